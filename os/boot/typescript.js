// The TypeScript compiler, for the plain image and the tools that compile OS sources.
// Loaded with require: importing its 9 MB CommonJS file as an ES module makes Node lex
// all of it for named exports, which costs about a second in every process that does.
import { createRequire } from "node:module";

export default createRequire(import.meta.url)("typescript");
