// The JavaScript client component: every JS client probe, chosen at run time by PORTCHECK_PROBE.
// All JS client scenarios share this one component (built once, prepared once per engine).
import * as basic from './client_basic.js';
import { env } from './util.js';

const PROBES = { ...basic };

export const run = {
  async run() {
    const name = env().PORTCHECK_PROBE;
    const probe = PROBES[name];
    if (!probe) throw new Error(`unknown probe ${name}; known: ${Object.keys(PROBES).join(' ')}`);
    try {
      await probe();
    } catch (error) {
      // A rejected run() reaches neither engine's output (wasmtime exits 1 silently, jco prints
      // "ComponentError: undefined"), so say what it was first.
      console.log(`probe raised: ${error?.name}: ${error?.message}`);
      throw error;
    }
  },
};
