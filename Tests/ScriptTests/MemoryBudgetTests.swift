import Foundation
import XCTest
import Basics
@testable import Script

/// The memory budget (issue 17, item 2): models, data sets and kNN distance blocks are checked against it before
/// they are allocated; going beyond it is an error with the sizes, never an abort, also when models pile up in
/// a loop; a model no longer named is freed.
final class MemoryBudgetTests: XCTestCase {
    typealias Session = ErrorCatalogueTests.Session

    func testSizesAreReadAndWrittenForPeople() {
        XCTAssertEqual(MemoryBudget.parse("2GB"), 2 << 30)
        XCTAssertEqual(MemoryBudget.parse("512 mb"), 512 << 20)
        XCTAssertEqual(MemoryBudget.parse("1.5g"), 3 << 29)
        XCTAssertEqual(MemoryBudget.parse("100000"), 100_000)
        XCTAssertNil(MemoryBudget.parse("lots"))
        XCTAssertNil(MemoryBudget.parse("-1GB"))
        XCTAssertNil(MemoryBudget.parse("1e400"))
        XCTAssertEqual(NumberText.bytes(306 << 20), "306 MB")
        XCTAssertEqual(NumberText.bytes(3 << 29), "1.5 GB")
        XCTAssertEqual(NumberText.bytes(12), "12 bytes")
        XCTAssertGreaterThanOrEqual(MemoryBudget.machineDefault, 256 << 20)
    }

    func testSetMemoryTakesASizeWithItsUnit() {
        let session = Session()
        XCTAssertEqual(session.run("set memory=2GB"), "")
        XCTAssertEqual(session.interpreter.memoryLimit, 2 << 30)
        XCTAssertEqual(session.run("set memory=768MB"), "")
        XCTAssertEqual(session.interpreter.memoryLimit, 768 << 20)
        XCTAssertEqual(session.run("set memory=lots"), """
            t.nnl:1:12: error: memory must be a size like 4GB, 512MB or 100000000 (bytes), or auto; found 'lots'
             1 | set memory=lots
               |            ^~~~

            """)
        XCTAssertEqual(session.run("set memory=auto"), "")
        XCTAssertEqual(session.interpreter.memoryLimit, MemoryBudget.machineDefault)
        XCTAssertTrue(session.output(of: "set").contains("memory="), session.output(of: "set"))
    }

    func testAModelBeyondTheBudgetIsAnErrorWithTheSizes() {
        let session = Session()
        session.run("let keep = 7\nset memory=100MB")
        XCTAssertEqual(session.run("mlp 784 4096 4096 10"), """
            t.nnl:1:1: error: a network of 20,037,642 parameters needs 306 MB, but the memory budget is 100 MB
             1 | mlp 784 4096 4096 10
               | ^~~
              = free memory by replacing models (a name used again frees the old model), or raise the budget: set memory=8GB

            """)
        XCTAssertNil(session.interpreter.current, "nothing was built")
        assertStillUsable(session)
    }

    /// Models built under new names in a loop stop at the budget with an error; those built stay, and the
    /// session goes on.
    func testModelsPilingUpInALoopStopAtTheBudget() {
        let session = Session()
        session.run("let keep = 7\nset memory=200MB")
        let names = (0..<40).map { "m\($0)" }.joined(separator: ", ")
        let errors = session.run("for n in [\(names)]\n  mlp 784 512 512 10 name=n\nend")
        XCTAssertTrue(errors.hasPrefix("t.nnl:2:3: error: a network of 669,706 parameters needs 10.2 MB, but the memory budget is 200 MB and"),
                      errors)
        let built = session.interpreter.models.count
        XCTAssertGreaterThan(built, 10)
        XCTAssertLessThan(built, 40)
        XCTAssertLessThanOrEqual(session.interpreter.memoryInUse(), 200 << 20)
        assertStillUsable(session)
    }

    /// A model replaced by another of the same name (`mlp ... name=net` again, `knn` again) is freed: nothing keeps
    /// it alive (not the runs table, not the trainer, not the second thread's queue).
    func testModelsNoLongerNamedAreFreed() {
        let session = Session()
        session.run("load toy xor n=40\nmlp 2 8 2 name=net\ntrain epochs=1\nknn")
        weak let firstMLP = session.interpreter.models["net"]
        weak let firstKNN = session.interpreter.models["knn"]
        weak let firstNetwork = session.interpreter.models["net"]?.network
        XCTAssertNotNil(firstMLP)
        XCTAssertNotNil(firstKNN)
        XCTAssertEqual(session.run("mlp 2 8 2 name=net\ntrain epochs=1\nknn k=3\nruns"), "")
        XCTAssertNil(firstMLP, "the replaced MLP is still alive")
        XCTAssertNil(firstNetwork, "the replaced MLP's network is still alive")
        XCTAssertNil(firstKNN, "the replaced kNN model (and its copy of the data) is still alive")
        // `mlp` without a name after `knn` makes a model of its own: it does not take (and free) the kNN model's name.
        XCTAssertEqual(session.run("knn\nmlp 2 4 2"), "")
        XCTAssertNotNil(session.interpreter.models["knn"]?.knn)
        XCTAssertEqual(session.interpreter.current?.name, "mlp")
        // Many rounds under the same name: what the session holds stays the same.
        session.run("mlp 2 64 64 2 name=net\ntrain epochs=1")
        let held = session.interpreter.memoryInUse()
        for _ in 0..<20 { session.run("mlp 2 64 64 2 name=net\ntrain epochs=1") }
        XCTAssertEqual(session.interpreter.memoryInUse(), held)
    }

    func testDataAndKNNBeyondTheBudget() throws {
        let scratch = Scratch()
        let rows = (0..<20000).map { "\($0 % 3)," + (0..<20).map { String($0) }.joined(separator: ",") }.joined(separator: "\n")
        let path = scratch.write("big.csv", rows + "\n")
        let session = Session()
        session.run("let keep = 7\nload toy xor n=8\nset memory=1MB")
        let errors = session.run("load csv \(path)")
        XCTAssertTrue(errors.contains("big.csv: its 20001 rows of 20 values needs"), errors)
        XCTAssertTrue(errors.contains("= free memory by replacing models"), errors)
        XCTAssertTrue(session.output(of: "data").contains("toy xor"), "the data loaded before are kept")
        session.run("set memory=8MB")
        XCTAssertEqual(session.run("load csv \(path) test=\(path)"), "")
        let knn = session.run("knn")
        XCTAssertTrue(knn.contains("error: kNN distances of 20,000 test samples to 20,000 needs"), knn)
        XCTAssertTrue(session.run("set memory=100KB").contains("error: memory must be at least 1MB, found 100 KB"))
        assertStillUsable(session)
    }
}
