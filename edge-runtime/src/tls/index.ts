export * from './client-certificates';
export * from './hub-pki';
export * from './thumbprints';
