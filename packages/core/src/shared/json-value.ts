/** A value that survives `JSON.stringify` / `JSON.parse` unchanged. */
export type JSONValue = null | string | number | boolean | JSONObject | JSONArray;
/** A JSON object. */
export type JSONObject = { [key: string]: JSONValue | undefined };
/** A JSON array. */
export type JSONArray = JSONValue[];

/** A JSON Schema (draft-07 subset as used for tool inputs and response formats). */
export type JSONSchema7 = {
  [key: string]: unknown;
  type?: string | string[];
  properties?: Record<string, JSONSchema7>;
  required?: string[];
  items?: JSONSchema7 | JSONSchema7[];
  description?: string;
};

/** Provider-specific options, keyed by provider id: `{ anthropic: { thinking: { type: 'enabled' } } }`. */
export type ProviderOptions = Record<string, Record<string, JSONValue | undefined>>;

/** Provider-specific metadata returned with results, keyed by provider id. */
export type ProviderMetadata = Record<string, Record<string, JSONValue | undefined>>;
