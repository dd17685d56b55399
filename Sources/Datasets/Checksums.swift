import Hashing

extension SHA256 {
    /// Lower-case hex digest of a file's bytes as stored (a `.gz` file is hashed compressed).
    public static func hex(file: String) throws -> String {
        hex(try FileIO.readAll(file))
    }
}
