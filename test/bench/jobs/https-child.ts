/** Child-process entry of `bench:jobs`: a bare `https` server (`<tlsDir> <getBytes> <patchBytes>`) answering static twin-sized JSON. */
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** A JSON object of exactly `bytes` bytes when serialized (padding in one string). */
export function staticJson(bytes: number): Buffer {
  const shell = JSON.stringify({ deviceId: 'bare', pad: '' });
  return Buffer.from(
    JSON.stringify({ deviceId: 'bare', pad: 'x'.repeat(Math.max(0, bytes - shell.length)) }),
  );
}

async function main(): Promise<void> {
  const [tlsDir, getBytes, patchBytes] = process.argv.slice(2);
  if (!tlsDir) throw new Error('usage: https-child.ts <tlsDir> <getBytes> <patchBytes>');
  const [cert, key] = await Promise.all(
    ['server.pem', 'server-key.pem'].map((f) => readFile(path.join(tlsDir, f), 'utf8')),
  );
  const getBody = staticJson(Number(getBytes));
  const patchBody = staticJson(Number(patchBytes));
  const server = https.createServer({ cert, key, keepAliveTimeout: 60_000 }, (req, res) => {
    const body = req.method === 'PATCH' ? patchBody : getBody;
    // Reads the request body (as the hub's JSON parser does) before answering.
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', etag: '"AAAAAAAAAAE="' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
  process.on('message', (msg: { id: number; cmd: 'cpu' | 'close' }) => {
    if (msg.cmd === 'cpu') {
      const cpu = process.cpuUsage();
      process.send?.({ id: msg.id, result: (cpu.user + cpu.system) / 1000 });
    } else {
      server.closeAllConnections();
      server.close(() => {
        process.send?.({ id: msg.id, result: true });
        process.disconnect();
      });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ ready: true, pid: process.pid, port: (server.address() as AddressInfo).port });
}

main().catch((err) => {
  process.stderr.write(
    `https-child failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
