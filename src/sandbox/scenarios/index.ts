// The scenarios `--scenario NAME` can seed. To add one: a module exporting a Scenario, listed here.
import { demo } from './demo.js';
import { empty } from './empty.js';
import type { Scenario } from './types.js';

export const SCENARIOS: Readonly<Record<string, Scenario>> = { demo, empty };

export type { Scenario, ScenarioContext, ScenarioIntegration, ScenarioStock } from './types.js';
