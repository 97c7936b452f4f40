#!/usr/bin/env node
// Vigil ships as TypeScript and runs through tsx, so a fresh clone needs no build step.
import { register } from "tsx/esm/api";
register();
await import("../src/cli/main.ts");
