import Foundation
import Hashing

/// Finds MNIST / Fashion-MNIST on disk, or fetches them once into the cache.
///
/// Layout: `<data directory>/mnist/` and `<data directory>/fashion-mnist/` hold the four IDX files
/// (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
/// `t10k-labels-idx1-ubyte`), each raw or `.gz`; a raw file is preferred (no inflating: loading takes
/// a tenth of a second), and one is written next to a `.gz` after its first use. Failing that,
/// `mnist_train.csv` + `mnist_test.csv` (`fashion-mnist_...` for Fashion; label first, 784 pixels,
/// optional header) are read and converted to IDX once.
///
/// Checksums: files whose header holds the official counts (60000 train / 10000 test) must match the
/// official content sha256, or loading fails naming the file. Smaller files (subsets, test fixtures)
/// are accepted as they are; their own checksum is still reported in `files`. Content hashes are
/// remembered in `.nnlab-sha256` (keyed by file size and modification time) so a cached load does not
/// re-hash 55 MB every time.
public enum ImageSetLoader {
    /// `$NNLAB_DATA`, or `~/.cache/nnlab`.
    public static var defaultDataDirectory: String {
        if let configured = ProcessInfo.processInfo.environment["NNLAB_DATA"], !configured.isEmpty {
            return expandTilde(configured)
        }
        return NSHomeDirectory() + "/.cache/nnlab"
    }

    /// Finds, fetches, verifies and caches; `log` receives progress lines ("fetching MNIST from ...").
    public static func load(_ set: ImageSet, dataDirectory: String? = nil, memoryLimit: Int = Int.max,
                            log: (String) -> Void = { _ in }) throws -> LoadedImageSet {
        try load(set, dataDirectory: dataDirectory, allowDownload: true, memoryLimit: memoryLimit, log: log)
    }

    /// As `load(_:dataDirectory:log:)`; with `allowDownload: false` missing data is an error instead
    /// of a fetch (tests, offline use).
    /// `memoryLimit` bounds what loading holds at once (the session's memory budget): an error, with the sizes,
    /// before a file that would not fit is read.
    public static func load(_ set: ImageSet, dataDirectory: String?, allowDownload: Bool, memoryLimit: Int = Int.max,
                            log: (String) -> Void = { _ in }) throws -> LoadedImageSet {
        let requested = dataDirectory.flatMap { $0.isEmpty ? nil : $0 }  // "" means the default too
        let root = expandTilde(requested ?? defaultDataDirectory)
        let directory = (root as NSString).appendingPathComponent(set.rawValue)

        let located = locateIDXFiles(set, in: directory)
        if located.count == set.files.count {
            return try loadIDX(set, paths: located, directory: directory, source: "cache \(abbreviate(directory))", memoryLimit: memoryLimit)
        }
        if let (trainCSV, testCSV) = locateCSVFiles(set, in: directory) {
            log("converting \(abbreviate(trainCSV)) and \(abbreviate(testCSV)) to IDX files (once) ...")
            let contents = try idxContentsFromCSV(set, train: trainCSV, test: testCSV)
            try verify(set, contents: contents, names: [trainCSV, trainCSV, testCSV, testCSV])
            try install(set, contents: contents, compressed: nil, into: directory, log: log)
            return try loadIDX(set, paths: locateIDXFiles(set, in: directory), directory: directory,
                               source: "\(abbreviate(trainCSV)), converted to IDX in \(abbreviate(directory))", memoryLimit: memoryLimit)
        }
        let missing = set.files.map(\.name).filter { name in !located.contains { ($0 as NSString).lastPathComponent.hasPrefix(name) } }
        guard allowDownload else {
            throw DataError(file: directory, message: "\(set.displayName) not found in \(directory) "
                + "(missing \(missing.joined(separator: ", ")); expected IDX files, raw or .gz, "
                + "or \(set.rawValue)_train.csv and \(set.rawValue)_test.csv)")
        }
        if !located.isEmpty {
            log("\(set.displayName) in \(abbreviate(directory)) is incomplete (missing \(missing.joined(separator: ", "))); fetching it again")
        }
        let source = try Fetcher.fetch(set, into: directory, log: log)
        return try loadIDX(set, paths: locateIDXFiles(set, in: directory), directory: directory, source: source, memoryLimit: memoryLimit)
    }

    // MARK: Finding files

    /// Paths of the IDX files present (raw preferred over `.gz`), in `set.files` order.
    static func locateIDXFiles(_ set: ImageSet, in directory: String) -> [String] {
        set.files.compactMap { file in
            let raw = (directory as NSString).appendingPathComponent(file.name)
            if FileIO.isRegularFile(raw) { return raw }
            if FileIO.isRegularFile(raw + ".gz") { return raw + ".gz" }
            return nil
        }
    }

    static func locateCSVFiles(_ set: ImageSet, in directory: String) -> (String, String)? {
        func find(_ base: String) -> String? {
            let path = (directory as NSString).appendingPathComponent(base)
            if FileIO.isRegularFile(path) { return path }
            if FileIO.isRegularFile(path + ".gz") { return path + ".gz" }
            return nil
        }
        guard let train = find("\(set.rawValue)_train.csv"), let test = find("\(set.rawValue)_test.csv") else { return nil }
        return (train, test)
    }

    // MARK: Loading IDX

    static func loadIDX(_ set: ImageSet, paths: [String], directory: String, source: String,
                        memoryLimit: Int = Int.max) throws -> LoadedImageSet {
        guard paths.count == 4 else {
            throw DataError(file: directory, message: "\(set.displayName) files are missing in \(directory)")
        }
        var checksums = ChecksumCache(directory: directory)
        defer { checksums.save() }
        let classCount = set.classNames.count
        var halves: [LabeledData] = []
        var reported: [(name: String, sha256: String)] = []
        var held = 0
        for (split, imageIndex) in [("train", 0), ("test", 2)] {
            let imageFile = set.files[imageIndex], labelFile = set.files[imageIndex + 1]
            let imagePath = paths[imageIndex], labelPath = paths[imageIndex + 1]
            // What loading holds: the files' contents, and the images' pixels kept (a copy of the content's).
            let imageBytes = try Gzip.readFile(imagePath, limit: max(0, memoryLimit - held) / 2)
            let labelBytes = try Gzip.readFile(labelPath, limit: max(0, memoryLimit - held - 2 * imageBytes.count))
            held += 2 * imageBytes.count + labelBytes.count * 5
            if held > memoryLimit {
                throw DataError.memory(imagePath, "\(set.displayName) (\(split))", needed: held, limit: memoryLimit)
            }
            let images = try self.images(imageBytes, file: imagePath)
            let count = images.count
            let labels = try self.labels(labelBytes, count: count, classCount: classCount, file: labelPath,
                                         imagesFile: (imagePath as NSString).lastPathComponent)
            if let train = halves.first, let trainShape = train.imageShape, trainShape != (images.rows, images.cols) {
                throw DataError(file: imagePath, offset: 8, message: "test images are \(images.rows)x\(images.cols) pixels but the "
                    + "training images are \(trainShape.rows)x\(trainShape.cols)")
            }
            for (bytes, path, file) in [(imageBytes, imagePath, imageFile), (labelBytes, labelPath, labelFile)] {
                var hash = checksums.contentHash(of: path, content: bytes)
                if count == file.officialCount && hash != file.contentSHA256 {
                    // The remembered hash is only a hint: a wrong one must not condemn a good file.
                    hash = checksums.rehash(path, content: bytes)
                }
                if count == file.officialCount && hash != file.contentSHA256 {
                    throw DataError(file: path, message: "content checksum mismatch: expected sha256 \(file.contentSHA256), "
                        + "found \(hash); the file is damaged or not the official \(set.displayName) (delete it to fetch it again)")
                }
                if path.hasSuffix(".gz") {
                    // Verified (or not an official file): a raw copy next to it saves the inflating next time.
                    let raw = String(path.dropLast(3))
                    if !FileIO.isRegularFile(raw), (try? FileIO.writeAtomically(raw, bytes)) != nil {
                        checksums.record(raw, hash: hash)
                    }
                }
                reported.append((file.name, hash))
            }
            halves.append(LabeledData(name: "\(set.rawValue)/\(split)", pixels: images.pixels, labels: labels, count: count,
                                      featureCount: images.rows * images.cols, imageShape: (images.rows, images.cols),
                                      classNames: set.classNames))
        }
        return LoadedImageSet(train: halves[0], test: halves[1], files: reported, source: source)
    }

    /// An IDX file of images as the loader accepts it: 3 dimensions, at least one image of at least one pixel.
    /// Degenerate files are refused here, where the file can be named, rather than in every command. (Public for
    /// the fuzz target, which feeds it arbitrary bytes.)
    public static func images(_ content: [UInt8], file: String) throws -> (count: Int, rows: Int, cols: Int, pixels: [UInt8]) {
        let header = try IDX.parseHeader(content, file: file)
        guard header.dims.count == 3 else {
            throw DataError(file: file, offset: 3, message: "expected 3 dimensions (images x rows x columns), found \(header.dims.count)")
        }
        let (count, rows, cols) = (header.dims[0], header.dims[1], header.dims[2])
        guard count > 0 else { throw DataError(file: file, offset: 4, message: "holds no images (the header says 0)") }
        guard rows > 0 && cols > 0 else {
            throw DataError(file: file, offset: 8, message: "images of \(rows)x\(cols) pixels have no pixels")
        }
        // Kept as bytes (47 MB for MNIST's training images instead of 188 MB of floats).
        return (count, rows, cols, Array(content[header.dataOffset..<(header.dataOffset + header.elementCount)]))
    }

    /// An IDX file of `count` labels, each below `classCount`. (Public for the fuzz target.)
    public static func labels(_ content: [UInt8], count: Int, classCount: Int, file: String,
                              imagesFile: String = "the images file") throws -> [Int32] {
        let header = try IDX.parseHeader(content, file: file)
        guard header.dims.count == 1 else {
            throw DataError(file: file, offset: 3, message: "expected 1 dimension (labels), found \(header.dims.count)")
        }
        guard header.dims[0] == count else {
            throw DataError(file: file, message: "has \(header.dims[0]) labels but \(imagesFile) has \(count) images")
        }
        return try convertLabels(content, offset: header.dataOffset, count: count, classCount: classCount, file: file)
    }

    static func convertLabels(_ bytes: [UInt8], offset: Int, count: Int, classCount: Int, file: String) throws -> [Int32] {
        guard offset >= 0, count >= 0, offset <= bytes.count, count <= bytes.count - offset else {
            throw DataError(file: file, offset: bytes.count, message: "file ends before its \(count) labels")
        }
        var labels: [Int32] = []
        labels.reserveCapacity(count)
        for index in 0..<count {
            let value = bytes[offset + index]
            if Int(value) >= classCount {
                throw DataError(file: file, offset: offset + index,
                                message: "label \(value) of item \(index) is out of range 0...\(classCount - 1)")
            }
            labels.append(Int32(value))
        }
        return labels
    }

    // MARK: Converting and installing

    /// The four IDX contents (train images, train labels, test images, test labels) from two CSV files.
    static func idxContentsFromCSV(_ set: ImageSet, train: String, test: String) throws -> [[UInt8]] {
        var contents: [[UInt8]] = []
        for path in [train, test] {
            let data = try CSV.readLabeled(path, labelColumn: "0")
            guard data.featureCount == 784 else {
                throw DataError(file: path, line: 1, message: "expected 785 values (label and 28x28 pixels), found \(data.featureCount + 1)")
            }
            let values = data.features
            var pixels: [UInt8] = []
            pixels.reserveCapacity(values.count)
            for (index, value) in values.enumerated() {
                guard value >= 0 && value <= 255 && value == value.rounded() else {
                    // The header (if any) shifts data lines by one; name the row rather than guess the line.
                    throw DataError(file: path, message: "pixel \(index % 784) of row \(index / 784 + 1) is \(value), "
                        + "expected a whole number 0...255")
                }
                pixels.append(UInt8(value))
            }
            var labels: [UInt8] = []
            labels.reserveCapacity(data.count)
            for (index, label) in data.labels.enumerated() {
                // CSV maps small whole numbers to themselves, so class name == digit.
                guard let digit = Int(data.classNames[Int(label)]), (0..<set.classNames.count).contains(digit) else {
                    throw DataError(file: path, message: "label \"\(data.classNames[Int(label)])\" of row \(index + 1) "
                        + "is not a class 0...\(set.classNames.count - 1)")
                }
                labels.append(UInt8(digit))
            }
            contents.append(IDX.encode(IDXArray(dims: [data.count, 28, 28], bytes: pixels)))
            contents.append(IDX.encode(IDXArray(dims: [data.count], bytes: labels)))
        }
        return contents
    }

    /// Checks converted or downloaded contents whose counts are the official ones.
    static func verify(_ set: ImageSet, contents: [[UInt8]], names: [String]) throws {
        for (index, file) in set.files.enumerated() {
            guard let header = try? IDX.parseHeader(contents[index], file: names[index]),
                  header.dims.first == file.officialCount
            else { continue }
            let hash = SHA256.hex(contents[index])
            if hash != file.contentSHA256 {
                throw DataError(file: names[index], message: "content checksum mismatch for \(file.name): expected sha256 "
                    + "\(file.contentSHA256), found \(hash); this is not the official \(set.displayName)")
            }
        }
    }

    /// Writes the four files into the cache: raw (fast to load) and `.gz` (the canonical form).
    /// `compressed` supplies already-gzipped bytes (a download) instead of compressing again.
    static func install(_ set: ImageSet, contents: [[UInt8]], compressed: [[UInt8]]?, into directory: String,
                        log: (String) -> Void) throws {
        try FileIO.makeDirectory(directory)
        var checksums = ChecksumCache(directory: directory)
        defer { checksums.save() }
        for (index, file) in set.files.enumerated() {
            let raw = (directory as NSString).appendingPathComponent(file.name)
            if let compressed {
                try FileIO.writeAtomically(raw + ".gz", compressed[index])
            } else {
                try Gzip.writeFile(raw + ".gz", contents[index])
            }
            try FileIO.writeAtomically(raw, contents[index])
            let hash = SHA256.hex(contents[index])
            checksums.record(raw, hash: hash)
            checksums.record(raw + ".gz", hash: hash)
        }
        log("\(set.displayName) cached in \(abbreviate(directory))")
    }

    // MARK: Paths

    static func expandTilde(_ path: String) -> String {
        (path as NSString).expandingTildeInPath
    }

    /// `~/...` for paths under the home directory, for friendlier messages.
    static func abbreviate(_ path: String) -> String {
        let home = NSHomeDirectory()
        if !home.isEmpty && home != "/" && path.hasPrefix(home + "/") { return "~" + path.dropFirst(home.count) }
        return path
    }
}

/// Remembers content hashes per file (by size and modification time) in `<directory>/.nnlab-sha256`.
struct ChecksumCache {
    static let fileName = ".nnlab-sha256"
    let path: String
    private var entries: [String: (fingerprint: String, hash: String)] = [:]
    private var changed = false

    init(directory: String) {
        path = (directory as NSString).appendingPathComponent(Self.fileName)
        guard let bytes = try? FileIO.readAll(path) else { return }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 3 { entries[String(parts[0])] = (String(parts[1]), String(parts[2])) }
        }
    }

    /// The sha256 of `content` (the decompressed bytes of `file`), from the cache when the file is unchanged.
    mutating func contentHash(of file: String, content: [UInt8]) -> String {
        let name = (file as NSString).lastPathComponent
        let fingerprint = FileIO.fingerprint(file)
        if let fingerprint, let entry = entries[name], entry.fingerprint == fingerprint { return entry.hash }
        let hash = SHA256.hex(content)
        if let fingerprint {
            entries[name] = (fingerprint, hash)
            changed = true
        }
        return hash
    }

    /// Hashes `content` again, ignoring (and replacing) what was remembered.
    mutating func rehash(_ file: String, content: [UInt8]) -> String {
        let hash = SHA256.hex(content)
        record(file, hash: hash)
        return hash
    }

    mutating func record(_ file: String, hash: String) {
        guard let fingerprint = FileIO.fingerprint(file) else { return }
        entries[(file as NSString).lastPathComponent] = (fingerprint, hash)
        changed = true
    }

    /// Best effort: a read-only data directory just means hashing again next time.
    func save() {
        guard changed else { return }
        let text = entries.keys.sorted().compactMap { name in
            entries[name].map { "\(name) \($0.fingerprint) \($0.hash)\n" }
        }.joined()
        try? FileIO.writeAtomically(path, Array(text.utf8))
    }
}
