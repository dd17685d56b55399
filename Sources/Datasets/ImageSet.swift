/// The two 28x28 grey-scale digit/clothing sets of the course.
public enum ImageSet: String, Sendable, CaseIterable {
    case mnist
    case fashionMNIST = "fashion-mnist"

    /// "MNIST" / "Fashion-MNIST", for messages.
    public var displayName: String {
        switch self {
        case .mnist: return "MNIST"
        case .fashionMNIST: return "Fashion-MNIST"
        }
    }

    /// `normalize=standard`: the set's customary mean and std of its training pixels (after x/255).
    public var standardNormalization: Normalization {
        switch self {
        case .mnist: return .mnistStandard
        case .fashionMNIST: return .fashionMNISTStandard
        }
    }

    public var classNames: [String] {
        switch self {
        case .mnist: return (0...9).map(String.init)
        case .fashionMNIST:
            return ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
        }
    }

    /// The four IDX files in their usual names and order: train images, train labels, test images, test labels.
    var files: [ImageSetFile] {
        let hashes: [String]
        switch self {
        case .mnist:
            hashes = [
                "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
                "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
                "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
            ]
        case .fashionMNIST:
            hashes = [
                "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
                "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
                "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
                "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
            ]
        }
        return [
            ImageSetFile(name: "train-images-idx3-ubyte", officialCount: 60000, contentSHA256: hashes[0]),
            ImageSetFile(name: "train-labels-idx1-ubyte", officialCount: 60000, contentSHA256: hashes[1]),
            ImageSetFile(name: "t10k-images-idx3-ubyte", officialCount: 10000, contentSHA256: hashes[2]),
            ImageSetFile(name: "t10k-labels-idx1-ubyte", officialCount: 10000, contentSHA256: hashes[3]),
        ]
    }

    /// Official download locations, tried in order (each holds the four `.gz` files).
    var mirrors: [String] {
        switch self {
        case .mnist:
            return [
                "https://ossci-datasets.s3.amazonaws.com/mnist/",
                "https://storage.googleapis.com/cvdf-datasets/mnist/",
                "http://yann.lecun.com/exdb/mnist/",
            ]
        case .fashionMNIST:
            return ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
        }
    }
}

/// One of a set's four IDX files. The checksum is of the *decompressed* IDX content, so the official
/// `.gz`, a raw copy and our own converted `.gz` all verify the same way.
struct ImageSetFile: Sendable {
    var name: String
    var officialCount: Int
    var contentSHA256: String
}

/// Train and test halves of an image set, with the provenance a transcript header records.
public struct LoadedImageSet: Sendable {
    public var train: LabeledData
    public var test: LabeledData
    /// The four source files (canonical names such as "train-images-idx3-ubyte") and the sha256 of
    /// their decompressed content.
    public var files: [(name: String, sha256: String)]
    /// Where the data came from, e.g. "cache ~/.cache/nnlab/mnist".
    public var source: String

    public init(train: LabeledData, test: LabeledData, files: [(name: String, sha256: String)], source: String) {
        self.train = train
        self.test = test
        self.files = files
        self.source = source
    }
}
