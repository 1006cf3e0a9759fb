// What `jco run` executes (jco 1.35.0, src/cmd/run.js, run()), on a transpilation made once.
import process from 'node:process';
try {
  process.argv[1] = "component";
} catch {}
const mod = await import('./component.js');
if (!mod.run || !mod.run.run) {
  console.error('Not a valid command component to execute.');
  process.exit(1);
}
try {
  await mod.run.run();
  // for stdout flushing
  await new Promise(resolve => setTimeout(resolve));
  process.exit(0);
}
catch (e) {
  console.error(e);
  process.exit(1);
}
