// Types of ./typescript.js: the compiler's own (namespace, types and values alike).
import ts from "typescript";
export default ts;
