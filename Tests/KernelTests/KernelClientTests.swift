import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The kernel driven by real Jupyter clients (Python's jupyter_client, nbconvert, pyzmq), as a user meets it:
/// the kernelspec is installed with `nnlab kernel install --prefix` into a temporary prefix and Jupyter starts
/// the kernel from it. The scripts in clients/ do the talking; each ends with "ok" or says what failed.
/// Every wait has a timeout, here (the whole script) and in the scripts (each message).
final class KernelClientTests: XCTestCase {
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("nnlab").path
    static let clients = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("clients").path

    var directory = ""

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            XCTFail("no nnlab binary at \(Self.binary): build it first (swift build)")
            throw XCTSkip("no binary")
        }
        directory = NSTemporaryDirectory() + "nnlab-kernel-\(UUID().uuidString)"
        for sub in ["", "/runtime", "/data", "/config", "/work"] {
            try FileManager.default.createDirectory(atPath: directory + sub, withIntermediateDirectories: true)
        }
        let probe = run(["python3", "-c", "import jupyter_client, nbconvert, nbclient, nbformat, zmq, pygments"], timeout: 60)
        guard probe.status == 0 else {
            XCTFail("the Jupyter client packages are needed: run ./scripts/setup.sh --python\n\(probe.output)")
            throw XCTSkip("no Jupyter")
        }
        let install = run([Self.binary, "kernel", "install", "--prefix", directory + "/prefix"], timeout: 30)
        XCTAssertEqual(install.status, 0, install.output)
    }

    override func tearDown() {
        if !directory.isEmpty { try? FileManager.default.removeItem(atPath: directory) }
    }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["NNLAB_BINARY"] = Self.binary
        env["JUPYTER_PATH"] = directory + "/prefix/share/jupyter"
        env["JUPYTER_RUNTIME_DIR"] = directory + "/runtime"
        env["JUPYTER_DATA_DIR"] = directory + "/data"
        env["JUPYTER_CONFIG_DIR"] = directory + "/config"
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        env["PYTHONPATH"] = Self.clients
        env["PYTHONUNBUFFERED"] = "1"
        return env
    }

    func testKernelspecIsFoundByJupyter() throws {
        let list = run(["python3", "-m", "jupyter", "kernelspec", "list", "--json"], timeout: 60, errors: false)
        XCTAssertEqual(list.status, 0, list.output)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(list.output.utf8)) as? [String: Any])
        let spec = try XCTUnwrap((json["kernelspecs"] as? [String: Any])?["nnlab"] as? [String: Any], list.output)
        XCTAssertEqual(spec["resource_dir"] as? String, directory + "/prefix/share/jupyter/kernels/nnlab")
        let body = try XCTUnwrap(spec["spec"] as? [String: Any])
        XCTAssertEqual(body["argv"] as? [String], [Self.binary, "kernel", "-f", "{connection_file}"])
        XCTAssertEqual(body["language"] as? String, "nnlab")
        XCTAssertEqual(body["display_name"] as? String, "nnlab")
        XCTAssertEqual(body["interrupt_mode"] as? String, "message")
        for logo in ["logo-32x32.png", "logo-64x64.png", "logo-svg.svg"] {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/prefix/share/jupyter/kernels/nnlab/" + logo))
            XCTAssertGreaterThan(data.count, 100, logo)
        }
        let png = try Data(contentsOf: URL(fileURLWithPath: directory + "/prefix/share/jupyter/kernels/nnlab/logo-64x64.png"))
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG")
    }

    func testEveryMessageTypeThroughJupyterClient() { runClient("messages.py") }

    func testInterruptDuringTrainingKeepsTheModel() { runClient("interrupt.py") }

    func testNbconvertExecutesAnAssignment() { runClient("nbconvert_run.py", directory + "/work") }

    func testSignaturesBindingAndRobustnessAtTheWire() { runClient("wire.py", directory + "/work") }

    // MARK: running the clients

    func runClient(_ script: String, _ arguments: String..., file: StaticString = #filePath, line: UInt = #line) {
        let result = run(["python3", Self.clients + "/" + script] + arguments, timeout: 240, environment: environment)
        XCTAssertEqual(result.status, 0, "\(script) failed:\n\(result.output.suffix(6000))", file: file, line: line)
        XCTAssertTrue(result.output.hasSuffix("ok\n"), "\(script):\n\(result.output.suffix(6000))", file: file, line: line)
    }

    /// Runs a command with its output in a file (no pipe to fill), killed after `timeout` seconds.
    /// `errors` false leaves stderr out (warnings beside a JSON answer).
    func run(_ command: [String], timeout: Double, environment: [String: String]? = nil,
             errors: Bool = true) -> (status: Int32, output: String) {
        let outputPath = NSTemporaryDirectory() + "nnlab-kernel-output-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        guard let output = FileHandle(forWritingAtPath: outputPath) else { return (-1, "cannot create \(outputPath)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.environment = environment ?? self.environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory.isEmpty ? NSTemporaryDirectory() : directory)
        process.standardOutput = output
        process.standardError = errors ? output : FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        do { try process.run() } catch { return (127, "cannot run \(command): \(error)") }
        var timedOut = false
        if done.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            process.terminate()
            if done.wait(timeout: .now() + 5) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                _ = done.wait(timeout: .now() + 5)
            }
        }
        try? output.close()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return (timedOut ? -2 : process.terminationStatus, timedOut ? text + "\n(timed out after \(Int(timeout)) s)" : text)
    }
}
