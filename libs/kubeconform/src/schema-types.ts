/** The shapes of the bundled schemas (written by scripts/schema-bundle.ts, read by the registry). */
export type JsonSchema = Record<string, unknown>;

/** One generated bundle: kinds mapped to definitions of a shared `definitions` table. */
export interface SchemaBundle {
  source: string;
  /** `<apiVersion>/<Kind>` → definition name in `definitions`. */
  kinds: Record<string, string>;
  definitions: Record<string, JsonSchema>;
}
