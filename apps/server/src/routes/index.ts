import type { RouteDefinition } from '../route.ts';
import { agentRoutes } from './agents.ts';
import { systemRoutes, type SystemRouteSettings } from './system.ts';
import { toolRoutes } from './tools.ts';
import { traceRoutes } from './traces.ts';
import { vectorRoutes } from './vectors.ts';
import { memoryRoutes } from './memory.ts';
import { workflowRoutes } from './workflows.ts';

/** The built-in routes. */
export function defaultRoutes(settings: SystemRouteSettings): RouteDefinition[] {
  return [...systemRoutes(settings), ...agentRoutes(), ...toolRoutes(), ...workflowRoutes(), ...memoryRoutes(), ...vectorRoutes(), ...traceRoutes()];
}
