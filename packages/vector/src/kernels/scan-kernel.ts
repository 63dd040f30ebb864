import { buildScanKernelModule } from './wasm-simd-module.ts';

/**
 * The distance kernel of an index. `wasm-simd` (the default where WebAssembly SIMD is available) scores four
 * floats per instruction; the `js-*` kernels are portable fallbacks kept for measurement.
 */
export type ScanKernelName = 'wasm-simd' | 'js-unrolled8' | 'js-unrolled4' | 'js-plain';

let cachedModule: WebAssembly.Module | null | undefined;

/** The compiled SIMD module, or null when this runtime lacks WebAssembly SIMD. */
export function scanKernelModule(): WebAssembly.Module | null {
  if (cachedModule === undefined) {
    const bytes = buildScanKernelModule();
    cachedModule = typeof WebAssembly === 'object' && WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>) ? new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>) : null;
  }
  return cachedModule;
}

/** The fastest kernel this runtime supports (measured in `bench/scan-kernels.ts`). */
export function defaultScanKernel(): ScanKernelName {
  return scanKernelModule() === null ? 'js-unrolled8' : 'wasm-simd';
}
