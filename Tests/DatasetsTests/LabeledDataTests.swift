import XCTest
@testable import Datasets

final class LabeledDataTests: XCTestCase {
    func sample() -> LabeledData {
        LabeledData(name: "s", features: [0, 1, 10, 11, 20, 21, 30, 31], labels: [1, 0, 1, 2], count: 4,
                    featureCount: 2, imageShape: nil, classNames: ["a", "b", "c"])
    }

    func testClassCounts() {
        XCTAssertEqual(sample().classCounts(), [1, 2, 1])
    }

    func testSubsetClamps() {
        let middle = sample().subset(1..<3)
        XCTAssertEqual(middle.count, 2)
        XCTAssertEqual(middle.features, [10, 11, 20, 21])
        XCTAssertEqual(middle.labels, [0, 1])
        XCTAssertEqual(middle.classNames, ["a", "b", "c"])
        XCTAssertEqual(sample().subset(0..<100).count, 4)
        XCTAssertEqual(sample().subset(10..<20).count, 0)
    }

    func testRowsGather() {
        let picked = sample().rows([3, 0, 9])
        XCTAssertEqual(picked.count, 2)
        XCTAssertEqual(picked.features, [30, 31, 0, 1])
        XCTAssertEqual(picked.labels, [2, 1])
        XCTAssertEqual(Array(sample().row(2)), [20, 21])
    }
}

final class NormalizationTests: XCTestCase {
    func pixels() -> LabeledData {
        LabeledData(name: "p", features: [0, 127.5, 255], labels: [0], count: 1, featureCount: 3,
                    imageShape: nil, classNames: ["0"])
    }

    func testUnit() {
        var data = pixels()
        Normalization.unit.apply(to: &data)
        XCTAssertEqual(data.features, [0, 0.5, 1])
        XCTAssertEqual(data.normalization, .unit)
    }

    func testStandard() {
        XCTAssertEqual(Normalization.mnistStandard, .standard(mean: 0.1307, std: 0.3081))
        var data = pixels()
        Normalization.mnistStandard.apply(to: &data)
        let expected: [Float] = [0, 127.5, 255].map { ($0 / 255 - 0.1307) / 0.3081 }
        for (value, want) in zip(data.features, expected) { XCTAssertEqual(value, want, accuracy: 1e-5) }
        XCTAssertEqual(data.features[0], -0.42421, accuracy: 1e-4)
        XCTAssertEqual(data.features[2], 2.82149, accuracy: 1e-4)
    }

    func testReapplyingConvertsFromCurrentScale() {
        var data = pixels()
        Normalization.mnistStandard.apply(to: &data)
        Normalization.unit.apply(to: &data)
        for (value, want) in zip(data.features, [Float(0), 0.5, 1]) { XCTAssertEqual(value, want, accuracy: 1e-5) }
        Normalization.none.apply(to: &data)
        for (value, want) in zip(data.features, [Float(0), 127.5, 255]) { XCTAssertEqual(value, want, accuracy: 1e-3) }
        Normalization.none.apply(to: &data)  // no-op
        XCTAssertEqual(data.normalization, .none)
    }

    func testNormalizeAndDenormalize() {
        let standard = Normalization.mnistStandard
        XCTAssertEqual(standard.normalize(255), (1 - 0.1307) / 0.3081, accuracy: 1e-5)
        XCTAssertEqual(standard.denormalize(standard.normalize(200)), 200, accuracy: 1e-3)
        XCTAssertEqual(Normalization.unit.denormalize(0.5), 127.5)
        XCTAssertEqual(Normalization.none.normalize(3), 3)
    }
}
