// What `jco serve` executes (jco 1.35.0, src/cmd/run.js, serve()), on a transpilation made once.
// One change: listen on port 0 and announce the port the system chose, so that no two runs
// can race for a port.
import process from 'node:process';
import { HTTPServer } from '@bytecodealliance/preview2-shim/http';
try {
  process.argv[1] = "component";
} catch {}
const mod = await import('./component.js');
const server = new HTTPServer(mod.incomingHandler);
server.listen(0, "127.0.0.1");
console.error(`Server listening @ 127.0.0.1:${server.address().port}...`);
