#!/usr/bin/env node
// The installed `qalqan` command: runs the compiled CLI (`npm run build` writes dist/).
import '../dist/cli/run.js';
