#!/usr/bin/env node
// Runs Parley's TypeScript sources through tsx's loader, so that there is no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
