// nnlab: a notebook-style REPL and script runner for learning neural networks. The command line lives in
// the CLI module (a function the tests call); this file only hands it the arguments.
import CLI
#if canImport(Glibc)
import Glibc
#endif

exit(CommandLineTool.run(Array(CommandLine.arguments.dropFirst())))
