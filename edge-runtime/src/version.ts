/** The Outpost release this runtime is (CLI `--version`, `GET /api/v1/hub`, the OpenAPI document). */
export const OUTPOST_VERSION = '0.1.0';
