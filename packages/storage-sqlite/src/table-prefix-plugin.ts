import { IdentifierNode, OperationNodeTransformer, type TableNode } from 'kysely';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { schemaTables } from './sqlite-schema.ts';

class TablePrefixTransformer extends OperationNodeTransformer {
  readonly #prefix: string;
  readonly #tables: ReadonlySet<string> = new Set(schemaTables);

  constructor(prefix: string) {
    super();
    this.#prefix = prefix;
  }

  protected override transformTable(node: TableNode): TableNode {
    const transformed = super.transformTable(node);
    const name = transformed.table.identifier.name;
    if (!this.#tables.has(name)) return transformed;
    return { ...transformed, table: { ...transformed.table, identifier: IdentifierNode.create(this.#prefix + name) } };
  }
}

/**
 * Rewrites the logical table names of `SqliteSchema` (`messages`, …) to their physical names (`<prefix>messages`),
 * so that queries stay typed while several apps share one file.
 */
export class TablePrefixPlugin implements KyselyPlugin {
  readonly #transformer: TablePrefixTransformer;

  constructor(prefix: string) {
    this.#transformer = new TablePrefixTransformer(prefix);
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
