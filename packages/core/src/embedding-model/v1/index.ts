export * from './embedding-model-v1.ts';
