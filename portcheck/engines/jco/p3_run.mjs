// A WASI 0.3 client on jco: what jco's own 0.3 tests run (packages/jco/test/p3/cli-runner.js,
// jco 1.35.0) on a transpilation made once with `--async-mode jspi --async-exports
// wasi:cli/run@0.3.0#run`, ending the way `jco run` does (jco_run.mjs). jco 1.35.0's `jco run`
// itself transpiles without JSPI and cannot run a 0.3 command.
import process from 'node:process';
try {
  process.argv[1] = "component";
} catch {}
const mod = await import('./component.js');
if (mod.$init) {
  await mod.$init;
}
const run = mod['wasi:cli/run@0.3.0'] ?? mod.run;
if (typeof run?.run !== 'function') {
  console.error('Not a valid command component to execute.');
  process.exit(1);
}
try {
  await run.run();
  // for stdout flushing
  await new Promise(resolve => setTimeout(resolve));
  process.exit(0);
}
catch (e) {
  console.error(e);
  process.exit(1);
}
