import TensorCore

/// A data set held in memory: `count` rows of `featureCount` values (row-major) and, per row, a class index
/// (classification) or a real value (regression: `targets`).
public struct LabeledData: Sendable {
    /// Where the data came from, e.g. "mnist/train", "toy/spiral", "iris.csv".
    public var name: String
    /// The values: Float32, or for image sets the pixel bytes with the normalisation applied on reading.
    public var matrix: FeatureMatrix
    /// `count * featureCount` values, row after row, as one Float array. For byte-backed image sets this
    /// builds (once) the full Float copy: large-data paths read rows through `matrix` instead.
    public var features: [Float] {
        get { matrix.floats }
        set { matrix = FeatureMatrix(floats: newValue, width: featureCount) }
    }
    /// One class index per row, in `0..<classNames.count`; all 0 for a regression set.
    public var labels: [Int32]
    /// One real value per row for a regression set (the Playground's plane and multigauss); nil for classes.
    public var targets: [Float]?
    /// Whether the rows carry real values (`targets`) rather than classes.
    public var isRegression: Bool { targets != nil }
    public var count: Int
    public var featureCount: Int
    /// Set for image data (28x28 for MNIST) so rows can be drawn as pictures.
    public var imageShape: (rows: Int, cols: Int)?
    /// Display names of the classes: "0"..."9" for MNIST, "T-shirt/top", "Trouser", ... for Fashion-MNIST; empty
    /// for a regression set.
    public var classNames: [String]
    /// How `features` relate to the source values (0...255 pixels for image sets); kept up to date by
    /// `Normalization.apply(to:)` so pictures can be drawn from normalised data.
    public var normalization: Normalization

    public init(name: String, features: [Float], labels: [Int32], count: Int, featureCount: Int,
                imageShape: (rows: Int, cols: Int)? = nil, classNames: [String],
                normalization: Normalization = .none) {
        self.init(name: name, matrix: FeatureMatrix(floats: features, width: featureCount), labels: labels, count: count,
                  featureCount: featureCount, imageShape: imageShape, classNames: classNames, normalization: normalization)
    }

    /// A regression set: a real value per row, no classes.
    public init(name: String, features: [Float], targets: [Float], featureCount: Int) {
        self.init(name: name, features: features, labels: [Int32](repeating: 0, count: targets.count), count: targets.count,
                  featureCount: featureCount, classNames: [])
        self.targets = targets
    }

    /// An image set kept as its bytes (0...255), normalised on reading.
    public init(name: String, pixels: [UInt8], labels: [Int32], count: Int, featureCount: Int,
                imageShape: (rows: Int, cols: Int)? = nil, classNames: [String]) {
        self.init(name: name, matrix: FeatureMatrix(bytes: pixels, width: featureCount), labels: labels, count: count,
                  featureCount: featureCount, imageShape: imageShape, classNames: classNames, normalization: .none)
    }

    public init(name: String, matrix: FeatureMatrix, labels: [Int32], count: Int, featureCount: Int,
                imageShape: (rows: Int, cols: Int)?, classNames: [String], normalization: Normalization) {
        self.name = name
        self.matrix = matrix
        self.labels = labels
        self.count = count
        self.featureCount = featureCount
        self.imageShape = imageShape
        self.classNames = classNames
        self.normalization = normalization
    }

    /// Number of rows of each class, indexed by class.
    public func classCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: classNames.count)
        for label in labels where label >= 0 && Int(label) < counts.count {
            counts[Int(label)] += 1
        }
        return counts
    }

    /// The rows in `range`, clamped to `0..<count` (so `subset(0..<1000)` of a smaller set is the whole set).
    public func subset(_ range: Range<Int>) -> LabeledData {
        let lower = min(max(range.lowerBound, 0), count)
        let upper = min(max(range.upperBound, lower), count)
        var result = self
        result.matrix = matrix.rows(Array(lower..<upper))
        result.labels = Array(labels[lower..<upper])
        result.targets = targets.map { Array($0[lower..<upper]) }
        result.count = upper - lower
        return result
    }

    /// The rows at `indices`, in that order (for shuffles and validation splits).
    /// Indices outside `0..<count` are skipped.
    public func rows(_ indices: [Int]) -> LabeledData {
        let valid = indices.filter { $0 >= 0 && $0 < count }
        var result = self
        result.matrix = matrix.rows(valid)
        result.labels = valid.map { labels[$0] }
        result.targets = targets.map { t in valid.map { t[$0] } }
        result.count = valid.count
        return result
    }

    /// `train` and `test` with one list of classes, the union of theirs, so that class 3 means the same in
    /// both (two CSV files number their classes each on their own: `cat, dog` and `bird, cat`). Whole-number
    /// names are ordered by value (`0`...`9`), others alphabetically. Returns the classes of `test` that
    /// `train` has no sample of, for a note: they are kept (the model cannot predict them; accuracy says so).
    public static func sharingClasses(_ train: inout LabeledData, _ test: inout LabeledData) -> [String] {
        let unseen = Set(test.classCounts().enumerated().filter { $0.element > 0 }.map { test.classNames[$0.offset] })
            .subtracting(zip(train.classNames, train.classCounts()).filter { $0.1 > 0 }.map(\.0))
        guard train.classNames != test.classNames else { return unseen.sorted() }
        var union = Array(Set(train.classNames).union(test.classNames))
        if union.allSatisfy({ Int($0) != nil }) {
            union.sort { (Int($0) ?? 0) < (Int($1) ?? 0) }
        } else {
            union.sort()
        }
        let indexOf = Dictionary(uniqueKeysWithValues: union.enumerated().map { ($0.element, Int32($0.offset)) })
        func remap(_ data: inout LabeledData) {
            let names = data.classNames
            data.labels = data.labels.map { label in
                let index = Int(label)
                return index >= 0 && index < names.count ? indexOf[names[index]] ?? 0 : 0
            }
            data.classNames = union
        }
        remap(&train)
        remap(&test)
        let order = Dictionary(uniqueKeysWithValues: union.enumerated().map { ($0.element, $0.offset) })
        return unseen.sorted { (order[$0] ?? 0) < (order[$1] ?? 0) }
    }

    /// The features of row `index`; empty when `index` is outside `0..<count`.
    public func row(_ index: Int) -> ArraySlice<Float> {
        guard index >= 0 && index < count else { return [] }
        return ArraySlice(matrix.row(index))
    }
}
