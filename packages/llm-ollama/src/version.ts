/** The version of `@mastra-ts/llm-ollama`. */
export const VERSION: string = '0.0.0';
