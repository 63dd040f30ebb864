/** The version of `@mastra-ts/llm-anthropic`. */
export const VERSION: string = '0.0.0';
