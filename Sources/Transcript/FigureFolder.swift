import Basics
import Foundation

/// The folder of SVG files a Markdown transcript refers to (`lab1_files/figure-1.svg`, ...).
enum FigureFolder {
    static func fileName(_ number: Int) -> String { "figure-\(number).svg" }

    /// Writes each figure (unchanged files are left alone, so a recording session does not rewrite them all
    /// after every input), then removes `figure-N.svg` files beyond the last one: an earlier, longer run's.
    /// Other files in the folder are never touched; no folder is made for a transcript without figures, and
    /// none in a folder that does not exist (the transcript could not be written there either).
    static func write(_ figures: [(number: Int, figure: Figure)], into folder: String,
                      for transcriptPath: String) throws(TranscriptError) {
        func failure(_ path: String, _ reason: String) -> TranscriptError {
            .writeFailed(path: transcriptPath, reason: "\(path): \(reason)")
        }
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = manager.fileExists(atPath: folder, isDirectory: &isDirectory)
        if !figures.isEmpty && !exists {
            if let problem = AtomicFile.writeProblem(folder) { throw failure(folder, problem) }
            do {
                try manager.createDirectory(atPath: folder, withIntermediateDirectories: false)
            } catch {
                throw failure(folder, "the folder could not be created")
            }
        } else if !figures.isEmpty && !isDirectory.boolValue {
            throw failure(folder, "it is a file, not a folder")
        }
        for (number, figure) in figures {
            let path = folder + "/" + fileName(number)
            if let existing = manager.contents(atPath: path), existing == Data(figure.svg.utf8) { continue }
            do {
                try AtomicFile.write(figure.svg, to: path)
            } catch {
                throw failure(path, error.reason)
            }
        }
        guard let names = try? manager.contentsOfDirectory(atPath: folder) else { return }
        for name in names {
            guard name.hasPrefix("figure-"), name.hasSuffix(".svg"),
                  let number = Int(name.dropFirst("figure-".count).dropLast(".svg".count)),
                  fileName(number) == name, number > figures.count else { continue }
            try? manager.removeItem(atPath: folder + "/" + name)
        }
    }
}
