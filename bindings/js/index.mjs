// ESM entry point: the same functions as the CommonJS one (index.cjs).
import corsgate from './index.cjs';

export const { createFetch, explain, replayLine } = corsgate;
export default corsgate;
