/** The version of `@mastra-ts/llm-groq`. */
export const VERSION: string = '0.0.0';
