import Foundation
import XCTest
import Script

/// The catalogue of bad input: for each mistake a student can make, the exact diagnostic nnlab prints
/// (`file:line:col: error: message`, the line, a caret under the culprit, the hint), and a check that the
/// session is still usable afterwards: a variable defined before the error survives, and `mlp 3 4 2` +
/// `summary` still report 26 parameters.
///
/// The inputs run as one REPL entry each (`runInteractive(text, file: "t.nnl", firstLine: 1)`), after an
/// optional setup entry; the rendered text is read through `Console.errorSink`.
final class ErrorCatalogueTests: XCTestCase {
    /// An interpreter as the REPL drives it, with its error text captured instead of written to stderr.
    final class Session {
        let interpreter: Interpreter
        private(set) var errors = ""

        init() {
            let console = Console(echo: false, isTerminal: false)
            interpreter = Interpreter(console: console)
            console.errorSink = { [unowned self] text in self.errors += text }
        }

        /// Runs `input` as one REPL entry and returns the errors it printed, exactly as rendered ("" if none).
        @discardableResult
        func run(_ input: String, atEndOfInput: Bool = true) -> String {
            errors = ""
            _ = interpreter.runInteractive(input, file: "t.nnl", firstLine: 1, atEndOfInput: atEndOfInput)
            return errors
        }

        /// What `source` prints, run as a script cell.
        func output(of source: String) -> String {
            errors = ""
            return interpreter.runSource(source, file: "check.nnl").1.map(\.output).joined()
        }
    }

    /// Runs `setup` (which must succeed), then `input`, and compares the rendered error with `expected`
    /// (a multi-line literal, without the final newline). Then checks that the session still works.
    func expect(_ input: String, after setup: String = "", _ expected: String,
                file: StaticString = #filePath, line: UInt = #line) {
        let session = Session()
        XCTAssertEqual(session.run("let keep = 7\n" + setup), "", "setup failed", file: file, line: line)
        XCTAssertEqual(session.run(input), expected + "\n", "input: \(input)", file: file, line: line)
        assertUsable(session, file: file, line: line)
    }

    func assertUsable(_ session: Session, file: StaticString = #filePath, line: UInt = #line) {
        let output = session.output(of: "print keep\nmlp 3 4 2 name=after\nsummary")
        XCTAssertTrue(output.hasPrefix("7\n"), "variable lost after the error: \(output)", file: file, line: line)
        XCTAssertTrue(output.contains("total: 26 parameters"), "session unusable after the error: \(output)", file: file, line: line)
        XCTAssertEqual(session.errors, "", file: file, line: line)
    }

    /// Characters, numbers and strings the lexer cannot read.
    func testLexerErrors() {
        expect("print \"unterminated", """
            t.nnl:1:7: error: unterminated string
             1 | print "unterminated
               |       ^
              = close it with " on the same line
            """)
        expect("print 'open", """
            t.nnl:1:7: error: unterminated string
             1 | print 'open
               |       ^
              = close it with ' on the same line
            """)
        expect("let x = 1e999", """
            t.nnl:1:9: error: number '1e999' is too large
             1 | let x = 1e999
               |         ^~~~~
            """)
        expect("let x = 12abc", """
            t.nnl:1:9: error: malformed number '12abc'
             1 | let x = 12abc
               |         ^~~~~
            """)
        expect("let x = 1.2.3", """
            t.nnl:1:9: error: malformed number '1.2.3'
             1 | let x = 1.2.3
               |         ^~~~~
            """)
        expect("print $", """
            t.nnl:1:7: error: unexpected character '$'
             1 | print $
               |       ^
            """)
        expect("let 1x = 2", """
            t.nnl:1:5: error: malformed number '1x'
             1 | let 1x = 2
               |     ^~
            """)
    }

    /// Statements that do not parse; one error per statement, and a broken 'for' does not cascade.
    func testParserErrors() {
        expect("for x in [1, 2]\nprint x", """
            t.nnl:1:1: error: 'for' loop is missing its 'end'
             1 | for x in [1, 2]
               | ^~~
            """)
        expect("end", """
            t.nnl:1:1: error: 'end' without a matching 'for'
             1 | end
               | ^~~
            """)
        expect("let = 3", """
            t.nnl:1:5: error: expected a variable name after 'let', found '='
             1 | let = 3
               |     ^
            """)
        expect("let x 3", """
            t.nnl:1:7: error: expected '=' after 'let x', found '3'
             1 | let x 3
               |       ^
            """)
        expect("let x = 1 2", """
            t.nnl:1:11: error: unexpected '2' at end of statement
             1 | let x = 1 2
               |           ^
            """)
        expect("train epochs=", """
            t.nnl:1:7: error: missing value after 'epochs='
             1 | train epochs=
               |       ^~~~~~
            """)
        expect("= 5", """
            t.nnl:1:1: error: expected a command before '='
             1 | = 5
               | ^
            """)
        expect("print 1 = 2", """
            t.nnl:1:9: error: expected a key before '='
             1 | print 1 = 2
               |         ^
              = options are written key=value, e.g. epochs=5
            """)
        expect("[1, 2]", """
            t.nnl:1:1: error: expected a command, found '['
             1 | [1, 2]
               | ^
            """)
        expect("print [1, 2,, 3]", """
            t.nnl:1:13: error: expected a value, found ','
             1 | print [1, 2,, 3]
               |             ^
            """)
        expect("print [1 2]", """
            t.nnl:1:10: error: expected ',' or ']' in list, found '2'
             1 | print [1 2]
               |          ^
              = the list starts here: line 1, column 7
            """)
        expect("let x = [1, 2", """
            t.nnl:1:14: error: expected ',' or ']' in list, found end of input
             1 | let x = [1, 2
               |              ^
              = the list starts here: line 1, column 9
            """)
        expect("print (1 + 2", """
            t.nnl:1:13: error: expected ')', found end of input
             1 | print (1 + 2
               |             ^
            """)
        expect("for 1 in [1]\nend", """
            t.nnl:1:5: error: expected a loop variable after 'for', found '1'
             1 | for 1 in [1]
               |     ^
            """)
        expect("for x [1, 2]\n  print x\nend", """
            t.nnl:1:7: error: expected 'in' after 'for x', found '['
             1 | for x [1, 2]
               |       ^
            """)
        expect("for x in [1, 2]\n  trian\nend", """
            t.nnl:2:3: error: unknown command 'trian'
             2 |   trian
               |   ^~~~~
              = did you mean 'train'?
            """)
    }

    /// Values that cannot be computed: types, division by zero, overflow, unknown variables.
    func testExpressionsErrors() {
        expect("print 1 / 0", """
            t.nnl:1:9: error: division by zero
             1 | print 1 / 0
               |         ^
            """)
        expect("let x = x / (x - 1)", after: "let x = 1", """
            t.nnl:1:11: error: division by zero
             1 | let x = x / (x - 1)
               |           ^
            """)
        expect("print -\"a\"", """
            t.nnl:1:7: error: cannot negate string 'a'
             1 | print -"a"
               |       ^
            """)
        expect("let x = -[1]", """
            t.nnl:1:9: error: cannot negate list '[1]'
             1 | let x = -[1]
               |         ^
            """)
        expect("print [1] * 2", """
            t.nnl:1:11: error: cannot apply '*' to list '[1]' and number '2'
             1 | print [1] * 2
               |           ^
            """)
        expect("let x = \"a\" * 2", """
            t.nnl:1:13: error: cannot apply '*' to string 'a' and number '2'
             1 | let x = "a" * 2
               |             ^
            """)
        expect("let x = 1e308 * 10", """
            t.nnl:1:15: error: result is too large
             1 | let x = 1e308 * 10
               |               ^
            """)
        expect("print 9999999999999999999999 * 1e300", """
            t.nnl:1:30: error: result is too large
             1 | print 9999999999999999999999 * 1e300
               |                              ^
            """)
        expect("print \"{y}\"", """
            t.nnl:1:7: error: unknown variable 'y' in string
             1 | print "{y}"
               |       ^~~~~
              = define it with: let y = ...
            """)
        expect("print \"{lr}\"", after: "let lrr = 1", """
            t.nnl:1:7: error: unknown variable 'lr' in string
             1 | print "{lr}"
               |       ^~~~~~
              = did you mean 'lrr'?
            """)
        expect("for x in 5\nprint x\nend", """
            t.nnl:1:10: error: 'for' needs a list to loop over, found number '5'
             1 | for x in 5
               |          ^
              = e.g. for lr in [0.1, 0.01, 0.001]
            """)
    }

    /// Unknown commands and keys, repeated options, too many or too few arguments.
    func testCommandsAndOptionsErrors() {
        expect("trian", """
            t.nnl:1:1: error: unknown command 'trian'
             1 | trian
               | ^~~~~
              = did you mean 'train'?
            """)
        expect("frobnicate", """
            t.nnl:1:1: error: unknown command 'frobnicate'
             1 | frobnicate
               | ^~~~~~~~~~
              = type 'help' for the list of commands
            """)
        expect("help trian", """
            t.nnl:1:6: error: unknown command 'trian'
             1 | help trian
               |      ^~~~~
              = did you mean 'train'?
            """)
        expect("train epochs=5 batchsize=3", """
            t.nnl:1:16: error: unknown option 'batchsize' for 'train'
             1 | train epochs=5 batchsize=3
               |                ^~~~~~~~~
              = options of 'train': epochs, batch, shuffle, step, gamma, patience, label, live, every
            """)
        expect("summary verbose=1", """
            t.nnl:1:9: error: unknown option 'verbose' for 'summary'
             1 | summary verbose=1
               |         ^~~~~~~
              = 'summary' takes no options
            """)
        expect("seed 1 seed=2", """
            t.nnl:1:8: error: unknown option 'seed' for 'seed'
             1 | seed 1 seed=2
               |        ^~~~
              = 'seed' takes no options
            """)
        expect("train epochs=1 epochs=2", """
            t.nnl:1:16: error: option 'epochs' given twice
             1 | train epochs=1 epochs=2
               |                ^~~~~~
            """)
        expect("seed 1 2", """
            t.nnl:1:8: error: too many arguments to 'seed': unexpected '2'
             1 | seed 1 2
               |        ^
              = usage: seed N
            """)
        expect("seed", """
            t.nnl:1:5: error: 'seed' needs a seed
             1 | seed
               |     ^
              = usage: seed N
            """)
        expect("load", """
            t.nnl:1:5: error: 'load' needs what to load
             1 | load
               |     ^
              = usage: load mnist|fashion-mnist|csv PATH|toy KIND|model PATH [options]
            """)
        expect("show", """
            t.nnl:1:5: error: 'show' needs what to show
             1 | show
               |     ^
              = usage: show image I|samples [N]|pixels I [options]
            """)
        expect("use", """
            t.nnl:1:4: error: 'use' needs a model name
             1 | use
               |    ^
              = usage: use NAME
            """)
        expect("save model", """
            t.nnl:1:11: error: 'save' needs a file path
             1 | save model
               |           ^
              = usage: save model PATH
            """)
        expect("load imagenet", """
            t.nnl:1:6: error: cannot load 'imagenet'
             1 | load imagenet
               |      ^~~~~~~~
              = expected one of: mnist, fashion-mnist, csv, toy, model
            """)
        expect("plot foo", """
            t.nnl:1:6: error: unknown chart 'foo'
             1 | plot foo
               |      ^~~
              = expected one of: loss, acc, history, runs, activation, weights, templates, boundary, neurons, network
            """)
        expect("record start out.pdf", """
            t.nnl:1:14: error: unknown transcript format for 'out.pdf'
             1 | record start out.pdf
               |              ^~~~~~~
              = use a .ipynb, .html, .md or .txt file name
            """)
    }

    /// Wrong types and out-of-range values.
    func testNumbersErrors() {
        expect("seed -1", """
            t.nnl:1:6: error: a seed must be between 0 and 2,147,483,647, found -1
             1 | seed -1
               |      ^
            """)
        expect("seed 1.5", """
            t.nnl:1:6: error: a seed must be a whole number, found 1.5
             1 | seed 1.5
               |      ^~~
            """)
        expect("seed \"abc\"", """
            t.nnl:1:6: error: a seed must be a whole number, found string 'abc'
             1 | seed "abc"
               |      ^~~~~
            """)
        expect("set width=10", """
            t.nnl:1:11: error: width must be between 30 and 400, found 10
             1 | set width=10
               |           ^~
            """)
        expect("set ascii=maybe", """
            t.nnl:1:11: error: ascii must be true or false, found 'maybe'
             1 | set ascii=maybe
               |           ^~~~~
            """)
        expect("load toy circle n=2", """
            t.nnl:1:19: error: n must be between 4 and 100,000, found 2
             1 | load toy circle n=2
               |                   ^
            """)
        expect("load toy circle noise=2", """
            t.nnl:1:23: error: noise must be between 0 and 0.5, found 2
             1 | load toy circle noise=2
               |                       ^
            """)
        expect("load toy circle ratio=0.05", """
            t.nnl:1:23: error: ratio must be between 0.1 and 0.9, found 0.05
             1 | load toy circle ratio=0.05
               |                       ^~~~
            """)
    }

    /// Layers and models that cannot be built.
    func testModelsErrors() {
        expect("layer dropout p=1.5", """
            t.nnl:1:17: error: p must be between 0 and 0.99, found 1.5
             1 | layer dropout p=1.5
               |                 ^~~
            """)
        expect("layer leaky_relu alpha=20", """
            t.nnl:1:24: error: alpha must be between 0 and 10, found 20
             1 | layer leaky_relu alpha=20
               |                        ^~
            """)
        expect("layer linear 3", """
            t.nnl:1:15: error: 'layer' needs the output size (OUT)
             1 | layer linear 3
               |               ^
              = usage: layer linear IN OUT [init=he|xavier|pytorch]
            """)
        expect("layer linear 0 4", """
            t.nnl:1:14: error: the input size (IN) must be between 1 and 100,000, found 0
             1 | layer linear 0 4
               |              ^
            """)
        expect("layer linear 100001 2", """
            t.nnl:1:14: error: the input size (IN) must be between 1 and 100,000, found 100001
             1 | layer linear 100001 2
               |              ^~~~~~
            """)
        expect("layer conv 3 3", """
            t.nnl:1:7: error: unknown layer kind 'conv'
             1 | layer conv 3 3
               |       ^~~~
              = expected one of: linear, relu, sigmoid, tanh, leaky_relu, elu, identity, softmax, dropout
            """)
        expect("layer relu alpha=0.1", """
            t.nnl:1:12: error: option 'alpha' does not apply to 'layer relu'
             1 | layer relu alpha=0.1
               |            ^~~~~
            """)
        expect("layer linear 5 2", after: "model m\nlayer linear 3 4", """
            t.nnl:1:14: error: linear 5 2 expects 5 inputs but receives 4
             1 | layer linear 5 2
               |              ^
              = the previous layer outputs 4 values
            """)
        expect("mlp 3", """
            t.nnl:1:6: error: 'mlp' needs at least an input and an output size
             1 | mlp 3
               |      ^
              = usage: mlp IN HIDDEN... OUT [act=relu|sigmoid|tanh|leaky_relu|elu|identity|linear] [alpha=A] [init=he|xavier|pytorch] [features=F1,F2,...] [name=NAME], e.g. mlp 784 128 64 10
            """)
        expect("mlp [3, [4], 2]", """
            t.nnl:1:5: error: a layer size must be a whole number, found list '[4]'
             1 | mlp [3, [4], 2]
               |     ^
            """)
        expect("mlp 3 4 2 act=relux", """
            t.nnl:1:15: error: unknown act value 'relux'
             1 | mlp 3 4 2 act=relux
               |               ^~~~~
              = did you mean 'relu'?
            """)
        expect("mlp 100000 1000 10", """
            t.nnl:1:1: error: this network would have 100,011,010 parameters, more than 50,000,000
             1 | mlp 100000 1000 10
               | ^~~
            """)
        expect("model \"my model\"", """
            t.nnl:1:7: error: 'my model' is not a valid model name
             1 | model "my model"
               |       ^~~~~~~~~~
              = use letters, digits and '_'
            """)
        expect("mlp 3 4 2 name=\"a b\"", """
            t.nnl:1:16: error: 'a b' is not a valid model name
             1 | mlp 3 4 2 name="a b"
               |                ^~~~~
              = use letters, digits and '_'
            """)
        expect("use other", after: "mlp 3 4 2", """
            t.nnl:1:5: error: no model named 'other'
             1 | use other
               |     ^~~~~
              = models: mlp
            """)
        expect("summary", """
            t.nnl:1:1: error: no model yet
             1 | summary
               | ^~~~~~~
              = create one with 'mlp 784 128 64 10' or 'model NAME' and 'layer ...'
            """)
    }

    /// Losses, optimizers and training that cannot start.
    func testTrainingErrors() {
        expect("loss l2", after: "mlp 3 4 2", """
            t.nnl:1:6: error: unknown loss 'l2'
             1 | loss l2
               |      ^~
              = expected one of: cross_entropy, mse, hinge
            """)
        expect("optimizer sgd lr=-1", after: "mlp 3 4 2", """
            t.nnl:1:18: error: lr must be positive, found -1
             1 | optimizer sgd lr=-1
               |                  ^
              = typical values: 0.1, 0.01, 0.001
            """)
        expect("optimizer adam lr=-1", after: "mlp 3 4 2", """
            t.nnl:1:19: error: lr must be positive, found -1
             1 | optimizer adam lr=-1
               |                   ^
              = typical values: 0.1, 0.01, 0.001
            """)
        expect("optimizer sgd lr=fast", after: "mlp 3 4 2", """
            t.nnl:1:18: error: lr must be a number, found name 'fast'
             1 | optimizer sgd lr=fast
               |                  ^~~~
            """)
        expect("optimizer rmsprop", after: "mlp 3 4 2", """
            t.nnl:1:11: error: unknown optimizer 'rmsprop'
             1 | optimizer rmsprop
               |           ^~~~~~~
              = expected one of: sgd, adam
            """)
        expect("optimizer sgd nesterov=true", after: "mlp 3 4 2", """
            t.nnl:1:15: error: nesterov=true needs a momentum above 0
             1 | optimizer sgd nesterov=true
               |               ^~~~~~~~
              = e.g. momentum=0.9
            """)
        expect("optimizer adam momentum=0.9", after: "mlp 3 4 2", """
            t.nnl:1:16: error: option 'momentum' does not apply to 'optimizer adam'
             1 | optimizer adam momentum=0.9
               |                ^~~~~~~~
              = options of 'optimizer adam': lr, beta1, beta2, weight_decay
            """)
        expect("train", """
            t.nnl:1:1: error: no model yet
             1 | train
               | ^~~~~
              = create one with 'mlp 784 128 64 10' or 'model NAME' and 'layer ...'
            """)
        expect("train", after: "mlp 3 4 2", """
            t.nnl:1:1: error: no data loaded
             1 | train
               | ^~~~~
              = load some first, e.g. 'load mnist'
            """)
        expect("train epochs=1", after: "load toy circle n=40\nmlp 3 4 2", """
            t.nnl:1:1: error: model 'mlp' does not fit the data (2 features): linear 3 4 expects 3 inputs but receives 2
             1 | train epochs=1
               | ^~~~~
            """)
        expect("train epochs=1", after: "load toy circle n=40\nmlp 2 4 3", """
            t.nnl:1:1: error: model 'mlp' outputs 3 values but the data have 2 classes
             1 | train epochs=1
               | ^~~~~
              = make the last layer 'linear N 2'
            """)
        expect("train epochs=0", after: "load toy circle n=40\nmlp 2 4 2", """
            t.nnl:1:14: error: epochs must be between 1 and 10,000, found 0
             1 | train epochs=0
               |              ^
            """)
        expect("train patience=2", after: "load toy circle n=40\nmlp 2 4 2", """
            t.nnl:1:7: error: patience= needs a validation set
             1 | train patience=2
               |       ^~~~~~~~
              = run 'split val=0.1' first
            """)
        expect("gradcheck", after: "mlp 2 3 2", """
            t.nnl:1:1: error: no data loaded
             1 | gradcheck
               | ^~~~~~~~~
              = load some first, e.g. 'load mnist'
            """)
    }

    /// Data that cannot be loaded or shown, and evaluations without what they need.
    func testDataAndEvaluationErrors() {
        expect("load toy moons", """
            t.nnl:1:10: error: unknown toy data set 'moons'
             1 | load toy moons
               |          ^~~~~
              = expected one of: circle, xor, gauss, spiral, plane, multigauss
            """)
        expect("load toy circle train=5", """
            t.nnl:1:17: error: option 'train' does not apply to 'load toy'
             1 | load toy circle train=5
               |                 ^~~~~
              = options of 'load toy': n, noise, ratio
            """)
        expect("load csv /nonexistent/data.csv", """
            t.nnl:1:10: error: no such file: /nonexistent/data.csv
             1 | load csv /nonexistent/data.csv
               |          ^~~~~~~~~~~~~~~~~~~~~
            """)
        expect("load model /nonexistent/m.safetensors", """
            t.nnl:1:12: error: /nonexistent/m.safetensors: no such file
             1 | load model /nonexistent/m.safetensors
               |            ^~~~~~~~~~~~~~~~~~~~~~~~~~
            """)
        expect("split val=0.95", after: "load toy circle n=40", """
            t.nnl:1:11: error: val must be between 0 and 0.9, found 0.95
             1 | split val=0.95
               |           ^~~~
            """)
        expect("show image 1000", after: "load toy circle n=40", """
            t.nnl:1:6: error: these data are not images (2 features per sample)
             1 | show image 1000
               |      ^~~~~
              = try 'plot boundary' for 2-D toy data
            """)
        expect("knn k=0", after: "load toy circle n=40", """
            t.nnl:1:7: error: k must be between 1 and 1,000, found 0
             1 | knn k=0
               |       ^
            """)
        // The bound that depends on the data (k at most the training set's size) is checked when the command runs.
        expect("knn k=25", after: "load toy circle n=40", """
            t.nnl:1:7: error: k must be between 1 and 20, found 25
             1 | knn k=25
               |       ^~
            """)
        expect("eval", """
            t.nnl:1:1: error: no model yet
             1 | eval
               | ^~~~
              = create one with 'mlp 784 128 64 10' or 'model NAME' and 'layer ...'
            """)
        expect("eval val", after: "load toy circle n=40\nmlp 2 4 2", """
            t.nnl:1:1: error: no validation set
             1 | eval val
               | ^~~~
              = make one with 'split val=0.1'
            """)
        expect("plot loss", after: "mlp 3 4 2", """
            t.nnl:1:6: error: nothing to plot yet: model 'mlp' has not been trained
             1 | plot loss
               |      ^~~~
              = run 'train' first
            """)
        expect("plot weights 2", after: "mlp 3 4 2", """
            t.nnl:1:14: error: layer 2 (relu) has no weights
             1 | plot weights 2
               |              ^
              = layers with weights: 1, 3
            """)
        expect("plot weights 9", after: "mlp 3 4 2", """
            t.nnl:1:14: error: a layer number must be between 1 and 3, found 9
             1 | plot weights 9
               |              ^
            """)
        expect("plot activation relu foo", """
            t.nnl:1:22: error: unknown activation 'foo'
             1 | plot activation relu foo
               |                      ^~~
              = expected one of: relu, sigmoid, tanh, leaky_relu, elu, identity
            """)
        expect("distance [[1,2]] [[1,2,3]]", """
            t.nnl:1:18: error: the two matrices have different shapes (1x2 and 1x3)
             1 | distance [[1,2]] [[1,2,3]]
               |                  ^
            """)
        expect("distance [1, \"a\"] [1, 2]", """
            t.nnl:1:10: error: matrix entries must be numbers, found 'a'
             1 | distance [1, "a"] [1, 2]
               |          ^
            """)
    }
    // MARK: - The session around errors

    func testUnfinishedLoopAsksForMoreInputInsteadOfFailing() {
        let session = Session()
        let (status, hadError) = session.interpreter.runInteractive("for x in [1, 2]\nprint x", file: "t.nnl", firstLine: 1)
        XCTAssertEqual(status, .needsMoreInput)
        XCTAssertFalse(hadError)
        XCTAssertEqual(session.errors, "")
    }

    func testLineNumbersFollowThePipedSession() {
        var rendered = ""
        let console = Console(echo: false, isTerminal: false)
        console.errorSink = { rendered += $0 }
        let interpreter = Interpreter(console: console)
        _ = interpreter.runInteractive("seed 1\n  trian epochs=2", file: "<stdin>", firstLine: 41)
        XCTAssertEqual(rendered, """
            <stdin>:42:3: error: unknown command 'trian'
             42 |   trian epochs=2
                |   ^~~~~
              = did you mean 'train'?

            """)
    }

    func testScriptErrorBecomesTheTranscriptCellError() {
        let session = Session()
        let (status, cells) = session.interpreter.runSource("seed 1\nlet x = 1 / 0\nprint x", file: "lab.nnl")
        XCTAssertEqual(status, 1)
        XCTAssertEqual(cells.count, 1)
        XCTAssertEqual(cells.first?.error?.name, "ScriptError")
        XCTAssertEqual(cells.first?.error?.message, "lab.nnl:2:11: error: division by zero")
        XCTAssertEqual(cells.first?.error?.traceback, [" 2 | let x = 1 / 0", "   |           ^"])
        // A transcript shows the message, then the traceback: each line once.
        XCTAssertEqual(cells.first?.error?.displayLines, ["lab.nnl:2:11: error: division by zero", " 2 | let x = 1 / 0", "   |           ^"])
        XCTAssertEqual(session.errors, "lab.nnl:2:11: error: division by zero\n 2 | let x = 1 / 0\n   |           ^\n")
        XCTAssertEqual(cells.first?.output, "seed 1\n")
    }

    /// Ctrl-C (here: `shouldStop`) ends a sweep between iterations; it is not reported as an error, and the
    /// loop variable is restored. (Polled before each statement and each iteration: the 7th poll is the
    /// third iteration's.)
    func testInterruptStopsALoopBetweenIterations() {
        let session = Session()
        var polls = 0
        session.interpreter.shouldStop = { polls += 1; return polls > 6 }
        let (status, hadError) = session.interpreter.runInteractive("let x = 0\nfor x in [1, 2, 3, 4]\n  let last = x\nend",
                                                                    file: "t.nnl", firstLine: 1)
        XCTAssertEqual(status, .complete)
        XCTAssertFalse(hadError)
        XCTAssertEqual(session.errors, "")
        session.interpreter.shouldStop = { false }
        XCTAssertEqual(session.output(of: "print last x"), "2 0\n")
        session.run("let keep = 7")
        assertUsable(session)
    }

    // MARK: - Corrupt and truncated model files

    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "nnlab-error-catalogue-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A safetensors file: the 8-byte little-endian header length (or `claimedLength`), the JSON header, the data.
    private func write(_ name: String, header: String, data: Int = 104, claimedLength: UInt64? = nil) throws -> String {
        let json = Array(header.utf8)
        var length = (claimedLength ?? UInt64(json.count)).littleEndian
        let bytes = withUnsafeBytes(of: &length) { Array($0) } + json + [UInt8](repeating: 0, count: data)
        return try write(name, bytes: bytes)
    }

    private func write(_ name: String, bytes: [UInt8]) throws -> String {
        let path = directory + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The header 'save model' writes for `mlp 3 4 2`, with parts replaced to break it.
    private func header(layers: String = "linear 3 4; relu; linear 4 2", weightShape: String = "[4, 3]", biasType: String = "F32",
                        lastOffsets: String = "[96, 104]", without missing: String? = nil) -> String {
        let tensors = [
            ("0.weight", "{\"dtype\": \"F32\", \"shape\": \(weightShape), \"data_offsets\": [0, 48]}"),
            ("0.bias", "{\"dtype\": \"\(biasType)\", \"shape\": [4], \"data_offsets\": [48, 64]}"),
            ("2.weight", "{\"dtype\": \"F32\", \"shape\": [2, 4], \"data_offsets\": [64, 96]}"),
            ("2.bias", "{\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": \(lastOffsets)}"),
        ].filter { $0.0 != missing }.map { "\"\($0.0)\": \($0.1)" }
        let metadata = "\"__metadata__\": {\"format\": \"pt\", \"model\": \"m\", \"layers\": \"\(layers)\", \"loss\": \"cross_entropy\"}"
        return "{" + ([metadata] + tensors).joined(separator: ", ") + "}"
    }

    /// `load model PATH` fails with `message` (after the path), rendered with a caret under the path.
    private func expectLoadError(_ path: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        let session = Session()
        session.run("let keep = 7")
        let input = "load model \(path)"
        let caret = "^" + String(repeating: "~", count: path.count - 1)
        XCTAssertEqual(session.run(input), "t.nnl:1:12: error: \(path): \(message)\n 1 | \(input)\n   |            \(caret)\n",
                       file: file, line: line)
        assertUsable(session, file: file, line: line)
    }

    func testTruncatedAndCorruptHeaders() throws {
        expectLoadError(try write("empty.safetensors", bytes: []), "offset 0: file is 0 bytes, too short for a safetensors header")
        expectLoadError(try write("short.safetensors", bytes: [16, 0, 0]), "offset 0: file is 3 bytes, too short for a safetensors header")
        expectLoadError(try write("huge.safetensors", header: "{}", data: 0, claimedLength: 1 << 40),
                        "offset 0: header claims 1099511627776 bytes but the file has 2 after the length")
        expectLoadError(try write("cut.safetensors", header: String(header().prefix(20)), data: 0, claimedLength: 400),
                        "offset 0: header claims 400 bytes but the file has 20 after the length")
        expectLoadError(try write("bad-json.safetensors", header: "{\"a\": nope"), "offset 8: header is not a JSON object")
        expectLoadError(try write("array.safetensors", header: "[1, 2, 3]"), "offset 8: header is not a JSON object")
        expectLoadError(try write("no-metadata.safetensors", header: "{\"0.weight\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}"),
                        "no layer list in the metadata (was it written by 'save model'?)")
    }

    func testLayerListsThatCannotBeBuilt() throws {
        expectLoadError(try write("conv.safetensors", header: header(layers: "conv 3 3")), "layer 0: unknown layer kind 'conv'")
        expectLoadError(try write("bad-linear.safetensors", header: header(layers: "linear 3")), "layer 0: bad description 'linear 3'")
        expectLoadError(try write("mismatch.safetensors", header: header(layers: "linear 3 4; linear 5 2")),
                        "layer 1: linear 5 2 expects 5 inputs but receives 4")
        // Would allocate 40 GB before the fix.
        expectLoadError(try write("giant.safetensors", header: header(layers: "linear 100000 100000"), data: 0),
                        "layer 0: 'linear 100000 100000' would make the model larger than 50,000,000 parameters")
    }

    func testTensorsThatDoNotMatch() throws {
        expectLoadError(try write("missing.safetensors", header: header(without: "2.weight")), "missing tensor '2.weight'")
        expectLoadError(try write("f16.safetensors", header: header(biasType: "F16")), "tensor '0.bias': only F32 is supported")
        expectLoadError(try write("shape.safetensors", header: header(weightShape: "[5, 3]")),
                        "tensor '0.weight' has shape [5, 3] but layer 'linear 3 4' needs [4, 3]")
        // The product of these dimensions overflows Int (a crash before the fix).
        expectLoadError(try write("shape-overflow.safetensors", header: header(weightShape: "[4611686018427387904, 4, 4]")),
                        "tensor '0.weight' has shape [4611686018427387904, 4, 4] but layer 'linear 3 4' needs [4, 3]")
        expectLoadError(try write("past-end.safetensors", header: header(), data: 100),
                        "tensor '2.bias': data offsets are outside the file or do not match its shape")
        expectLoadError(try write("reversed.safetensors", header: header(lastOffsets: "[104, 96]")),
                        "tensor '2.bias': data offsets are outside the file or do not match its shape")
        // headerEnd + offset overflowed Int before the fix.
        expectLoadError(try write("offset-overflow.safetensors", header: header(lastOffsets: "[9223372036854775799, 9223372036854775807]")),
                        "tensor '2.bias': data offsets are outside the file or do not match its shape")
        expectLoadError(try write("negative.safetensors", header: header(lastOffsets: "[-9223372036854775808, 8]")),
                        "tensor '2.bias': data offsets are outside the file or do not match its shape")
    }

    func testWellFormedFilesStillLoad() throws {
        let handMade = try write("good.safetensors", header: header())
        let session = Session()
        XCTAssertEqual(session.run("load model \(handMade)"), "")
        let saved = directory + "/saved.safetensors"
        XCTAssertEqual(session.run("mlp 3 4 2 name=net\nsave model \(saved)\nload model \(saved)\nsummary"), "")
        XCTAssertTrue(session.output(of: "summary").contains("total: 26 parameters"))
    }
}

final class EditDistanceTests: XCTestCase {
    func testOptimalStringAlignmentDistance() {
        let cases: [(String, String, Int)] = [
            ("trian", "train", 1), ("kitten", "sitting", 3), ("", "abc", 3), ("abc", "", 3), ("ca", "abc", 3),
            ("optimiser", "optimizer", 1), ("plto", "plot", 1), ("same", "same", 0), ("ab", "ba", 1), ("abcd", "badc", 2),
        ]
        for (a, b, d) in cases {
            XCTAssertEqual(Diagnostic.editDistance(a, b), d, "\(a) / \(b)")
            XCTAssertEqual(Diagnostic.editDistance(b, a), d, "\(b) / \(a)")
        }
        XCTAssertEqual(Diagnostic.suggestion(for: "trian", among: ["train", "eval"]), "train")
        XCTAssertEqual(Diagnostic.suggestion(for: "sum", among: ["summary", "train"]), "summary", "a prefix")
        XCTAssertNil(Diagnostic.suggestion(for: "sum", among: ["summary", "seed"]), "the nearest, seed, is neither close nor a prefix")
        XCTAssertNil(Diagnostic.suggestion(for: String(repeating: "x", count: 200), among: ["train", "eval"]))
    }
}
