/// A classification data set held in memory: `count` rows of `featureCount` floats (row-major)
/// and one class index per row.
public struct LabeledData: Sendable {
    /// Where the data came from, e.g. "mnist/train", "toy/spiral", "iris.csv".
    public var name: String
    /// `count * featureCount` values, row after row.
    public var features: [Float]
    /// One class index per row, in `0..<classNames.count`.
    public var labels: [Int32]
    public var count: Int
    public var featureCount: Int
    /// Set for image data (28x28 for MNIST) so rows can be drawn as pictures.
    public var imageShape: (rows: Int, cols: Int)?
    /// Display names of the classes: "0"..."9" for MNIST, "T-shirt/top", "Trouser", ... for Fashion-MNIST.
    public var classNames: [String]
    /// How `features` relate to the source values (0...255 pixels for image sets); kept up to date by
    /// `Normalization.apply(to:)` so pictures can be drawn from normalised data.
    public var normalization: Normalization

    public init(name: String, features: [Float], labels: [Int32], count: Int, featureCount: Int,
                imageShape: (rows: Int, cols: Int)? = nil, classNames: [String],
                normalization: Normalization = .none) {
        self.name = name
        self.features = features
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
        result.features = Array(features[(lower * featureCount)..<(upper * featureCount)])
        result.labels = Array(labels[lower..<upper])
        result.count = upper - lower
        return result
    }

    /// The rows at `indices`, in that order (for shuffles and validation splits).
    /// Indices outside `0..<count` are skipped.
    public func rows(_ indices: [Int]) -> LabeledData {
        let valid = indices.filter { $0 >= 0 && $0 < count }
        var result = self
        var gathered = [Float](repeating: 0, count: valid.count * featureCount)
        let width = featureCount
        features.withUnsafeBufferPointer { source in
            gathered.withUnsafeMutableBufferPointer { target in
                guard let from = source.baseAddress, let to = target.baseAddress else { return }
                for (row, index) in valid.enumerated() {
                    (to + row * width).update(from: from + index * width, count: width)
                }
            }
        }
        result.features = gathered
        result.labels = valid.map { labels[$0] }
        result.count = valid.count
        return result
    }

    /// The features of row `index`; empty when `index` is outside `0..<count`.
    public func row(_ index: Int) -> ArraySlice<Float> {
        guard index >= 0 && index < count else { return [] }
        return features[(index * featureCount)..<((index + 1) * featureCount)]
    }
}
