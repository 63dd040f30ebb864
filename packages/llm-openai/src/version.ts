/** The version of `@mastra-ts/llm-openai`. */
export const VERSION: string = '0.0.0';
