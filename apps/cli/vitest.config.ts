export { default } from '@mastra-ts/vitest-config';
