import Foundation
import XCTest
@testable import Script

/// Walks every command and every form of it: what its usage line, its help and the checks accept all come from
/// one declaration, so they must agree.
final class CommandDeclarationTests: XCTestCase {
    /// (command, form) for every form of every command (nil: a command without forms).
    private var forms: [(CommandSpec, SubcommandSpec?)] {
        Commands.all.flatMap { spec in spec.subcommands.isEmpty ? [(spec, nil)] : spec.subcommands.map { (spec, $0) } }
    }

    private func location(_ column: Int) -> SourceLocation { SourceLocation(line: 1, column: column) }

    /// A value each kind accepts.
    private func sample(_ kind: ValueKind) -> Value {
        switch kind {
        case .int(let r): .number(Double(r.lowerBound))
        case .number(let r): .number(r.upperBound)
        case .positive(let bound): .number(bound)
        case .bool: .symbol("true")
        case .choice(let choices): .symbol(choices.last ?? "")
        case .terms(let choices): .list(choices.map { .symbol($0) })
        case .text, .identifier, .model: .symbol("net")
        case .path: .string("model.safetensors")
        case .command: .symbol("train")
        case .any: .number(3)
        }
    }

    /// The written words of a call of `form` with every argument and the given options.
    private func call(_ spec: CommandSpec, _ form: SubcommandSpec?, options: [(String, Value)], extra: Int = 0) -> [WrittenArgument] {
        var written: [WrittenArgument] = []
        if let form, !form.name.isEmpty { written.append(WrittenArgument(value: LocatedValue(value: .symbol(form.name), location: location(10)))) }
        let arguments = spec.arguments(of: form)
        for a in arguments where !a.isOptional || !a.isRepeated {
            written.append(WrittenArgument(value: LocatedValue(value: sample(a.kind), location: location(20))))
        }
        for _ in 0..<extra { written.append(WrittenArgument(value: LocatedValue(value: .number(1), location: location(30)))) }
        for (key, value) in options {
            written.append(WrittenArgument(key: key, keyLocation: location(40), value: LocatedValue(value: value, location: location(45))))
        }
        return written
    }

    private func bind(_ spec: CommandSpec, _ written: [WrittenArgument]) -> Result<Invocation, ScriptError> {
        do { return .success(try Invocation.bind(spec, location: location(1), written: written, end: location(50))) } catch {
            return .failure(error)
        }
    }

    func testUsageHelpAndAcceptedOptionsAgree() {
        for (spec, form) in forms {
            let title = spec.title(of: form)
            let usage = Usage.line(spec, form)
            let help = Usage.help(spec)
            let declared = spec.options(of: form)
            XCTAssertTrue(Usage.lines(spec).contains(usage), title)
            for option in declared {
                XCTAssertTrue(usage.contains("[\(option.name)="), "\(title): usage '\(usage)' lacks \(option.name)=")
                XCTAssertTrue(help.contains("\(option.name)=") && help.contains(option.help), "\(title): help lacks \(option.name)")
            }
            for argument in spec.arguments(of: form) {
                XCTAssertTrue(help.contains(argument.help), "\(title): help lacks argument \(argument.name)")
                if case .choice(let choices) = argument.kind {
                    XCTAssertTrue(usage.contains(choices.joined(separator: "|")), "\(title): usage lacks the choices of \(argument.name)")
                } else {
                    XCTAssertTrue(usage.contains(argument.name), "\(title): usage lacks \(argument.name)")
                }
            }
            // Every `[key=` in the usage line is a declared option, and a call with all of them is accepted.
            let keys = usage.split(separator: "[").compactMap { part -> String? in
                guard let eq = part.firstIndex(of: "=") else { return nil }
                return String(part[..<eq])
            }
            XCTAssertEqual(keys, declared.map(\.name), title)
            if case .failure(let e) = bind(spec, call(spec, form, options: declared.map { ($0.name, sample($0.kind)) })) {
                XCTFail("\(title): a call with every declared option is refused: \(e.message)")
            }
            // What the usage line brackets may be left out, and only that: a call without the optional arguments is
            // accepted, and one without a required argument is refused with the usage as its hint.
            let arguments = spec.arguments(of: form)
            let required = arguments.filter { !$0.isOptional }
            var prefix: [WrittenArgument] = []
            if let form, !form.name.isEmpty {
                prefix.append(WrittenArgument(value: LocatedValue(value: .symbol(form.name), location: location(10))))
            }
            let requiredOnly = prefix + required.map { WrittenArgument(value: LocatedValue(value: sample($0.kind), location: location(20))) }
            if case .failure(let e) = bind(spec, requiredOnly) {
                XCTFail("\(title): usage '\(usage)' brackets what the call needs: \(e.message)")
            }
            for a in arguments {
                XCTAssertEqual(usage.contains("[\(Usage.argument(a, full: true).trimmingCharacters(in: CharacterSet(charactersIn: "[]")))]"),
                               a.isOptional, "\(title): usage '\(usage)' and the declaration disagree on whether \(a.name) is optional")
            }
            if !required.isEmpty, required.count == arguments.count {
                guard case .failure(let missing) = bind(spec, Array(requiredOnly.dropLast())) else {
                    XCTFail("\(title): accepted a call without \(required.last?.name ?? "")"); continue
                }
                XCTAssertTrue(missing.message.contains("needs"), "\(title): \(missing.message)")
            }
        }
    }

    func testUndeclaredOptionsAndExtraArgumentsAreRefused() {
        for (spec, form) in forms {
            let title = spec.title(of: form)
            let declared = spec.options(of: form)
            // A near miss of a declared option: "did you mean" that one.
            if let option = declared.first {
                guard case .failure(let e) = bind(spec, call(spec, form, options: [(option.name + "x", .number(1))])) else {
                    XCTFail("\(title): accepted \(option.name)x"); continue
                }
                XCTAssertEqual(e.message, "unknown option '\(option.name)x' for '\(spec.name)'", title)
                XCTAssertEqual(e.hint, "did you mean '\(option.name)'?", title)
            }
            guard case .failure(let e) = bind(spec, call(spec, form, options: [("zzqqj", .number(1))])) else {
                XCTFail("\(title): accepted zzqqj="); continue
            }
            XCTAssertEqual(e.message, "unknown option 'zzqqj' for '\(spec.name)'", title)
            XCTAssertEqual(e.hint, declared.isEmpty ? "'\(title)' takes no options" : "options of '\(title)': \(declared.map(\.name).joined(separator: ", "))")
            if !(spec.arguments(of: form).last?.isRepeated ?? false) {
                guard case .failure(let extra) = bind(spec, call(spec, form, options: [], extra: 1)) else {
                    XCTFail("\(title): accepted an extra argument"); continue
                }
                XCTAssertTrue(extra.message.hasPrefix("too many arguments to '\(spec.name)'"), extra.message)
                XCTAssertEqual(extra.hint, "usage: \(Usage.line(spec, form))")
            }
        }
    }

    /// `help` lists every command under its group, and `help COMMAND` gives its declared usage.
    func testHelpListsEveryCommandByGroup() {
        let i = quietInterpreter()
        _ = i.runInteractive("help")
        let overview = i.lastOutput
        for group in CommandGroup.allCases { XCTAssertTrue(overview.contains("\n\(group.rawValue):\n"), group.rawValue) }
        for spec in Commands.all {
            XCTAssertTrue(overview.contains("  " + Usage.short(spec)), spec.name)
            _ = i.runInteractive("help \(spec.name)")
            XCTAssertTrue(i.lastOutput.hasPrefix("usage: " + Usage.lines(spec)[0]), spec.name)
        }
    }

    /// The drift the declarations end: `mistakes N` is an argument (the old usage said `N=8`), `train`'s usage
    /// names every option, and a near miss is suggested among the options of the form written.
    func testFormerDriftIsGone() {
        let session = ErrorCatalogueTests.Session()
        XCTAssertEqual(session.run("mistakes N=3"), """
            t.nnl:1:10: error: unknown option 'N' for 'mistakes'
             1 | mistakes N=3
               |          ^
              = options of 'mistakes': set, file

            """)
        XCTAssertEqual(Usage.line(Commands.table["mistakes"]!, nil), "mistakes [N] [set=train|val|test] [file=PATH.svg]")
        XCTAssertEqual(Usage.line(Commands.table["train"]!, nil),
                       "train [epochs=5] [batch=64] [shuffle=true|false] [step=0] [gamma=0.1] [patience=0] [label=TEXT] [live=true|false] [every=N]")
        XCTAssertEqual(session.run("mlp 3 4 2\noptimizer adam betta1=0.8"), """
            t.nnl:2:16: error: unknown option 'betta1' for 'optimizer'
             2 | optimizer adam betta1=0.8
               |                ^~~~~~
              = did you mean 'beta1'?

            """)
    }
}
