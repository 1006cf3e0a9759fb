// A WASI 0.3 server on jco: preview3-shim's HttpServer (@bytecodealliance/preview3-shim/http,
// the server jco ships for wasi:http/handler) serving the handler of a transpilation made once
// with `--async-mode jspi --async-exports wasi:http/handler@0.3.0#handle`, as jco's own 0.3
// tests call it (packages/jco/test/p3/helpers/http.js: `await handler.handle(request)`).
// jco 1.35.0's `jco serve` serves 0.2 components only.
//
// Two things bridge the pieces, and nothing else is added:
// - HttpServer awaits `handle()` for a WIT result, `{ tag: 'ok', val: response }`; jco's
//   transpiled export returns the response itself and throws a ComponentError carrying the
//   error-code. Handed the export as it is, HttpServer answers 500 with an empty body to every
//   request. So a response becomes `ok`, a thrown error-code `err`; anything else (a trap) is
//   thrown on, as HttpServer does with any failure of its handler.
// - HttpServer does not say which port it bound, so the system picks a free port first and
//   the server listens on it (once more, on another, if something took it meanwhile); then the
//   port is announced as `jco serve` announces it.
import { createServer } from 'node:net';
import process from 'node:process';
import { HttpServer } from '@bytecodealliance/preview3-shim/http';
try {
  process.argv[1] = "component";
} catch {}
const mod = await import('./component.js');
if (mod.$init) {
  await mod.$init;
}
const handler = mod['wasi:http/handler@0.3.0'] ?? mod.handler;
const server = new HttpServer({
  async handle(request) {
    try {
      return { tag: 'ok', val: await handler.handle(request) };
    } catch (error) {
      if (error?.payload !== undefined) {
        return { tag: 'err', val: error.payload };
      }
      throw error;
    }
  },
});

function freePort(host) {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const host = "127.0.0.1";
for (let attempt = 1; ; attempt++) {
  const port = await freePort(host);
  try {
    await server.listen(port, host);
    console.error(`Server listening @ ${host}:${port}...`);
    break;
  } catch (error) {
    if (attempt >= 20 || !String(error?.code ?? error).includes('EADDRINUSE')) {
      throw error;
    }
  }
}
