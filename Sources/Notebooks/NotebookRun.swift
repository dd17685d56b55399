import Script
import Transcript

/// `nnlab run lab.ipynb`: the code cells of a notebook run in order, like `jupyter nbconvert --execute` without
/// Jupyter. The written notebook keeps the markdown, cell ids and metadata, and replaces the old outputs.
public enum NotebookRun {
    public static func run(path: String, interpreter: Interpreter, options: RunOptions) -> Int32 {
        interpreter.showTiming = options.timing
        let notebook: Notebook
        do { notebook = try NotebookFile.read(path) } catch {
            interpreter.console.error(error.description)
            return 1
        }
        let (status, cells) = execute(notebook, name: path, interpreter: interpreter, allowErrors: options.allowErrors)
        guard let output = options.transcriptPath else { return status }
        var transcript = Transcript(header: interpreter.header(script: path), cells: cells)
        transcript.metadata = notebook.metadata
        do {
            try transcript.write(to: output)
            interpreter.console.error("transcript written to \(output)\n")
        } catch {
            interpreter.console.error("nnlab: error: \(error)\n")
            return status == 0 ? 1 : status
        }
        return status
    }

    /// Runs the notebook's code cells; returns the exit status and every cell of the notebook in order, with
    /// the outputs of those that ran (the cells after a stop keep their source and lose their old outputs).
    /// Errors name the cell as Jupyter numbers it: `lab.ipynb In[3]:2:7`.
    public static func execute(_ notebook: Notebook, name: String, interpreter: Interpreter,
                               allowErrors: Bool) -> (Int32, [TranscriptCell]) {
        let templates = notebook.transcriptCells
        let scriptCells = templates.map { ScriptCell(kind: $0.kind == .code ? .code : .markdown, title: $0.title, source: $0.source) }
        let codeSources = templates.filter { $0.kind == .code }.map(\.source)
        let (status, ran) = interpreter.runCells(scriptCells, allowErrors: allowErrors) { count in
            let source = count >= 1 && count <= codeSources.count ? codeSources[count - 1] : ""
            return ("\(name) In[\(count)]", source.split(separator: "\n", omittingEmptySubsequences: false))
        }
        var cells: [TranscriptCell] = []
        for (index, template) in templates.enumerated() {
            var cell = index < ran.count ? ran[index] : template
            cell.id = template.id
            cell.metadata = template.metadata
            cell.attachments = template.attachments
            cells.append(cell)
        }
        return (status, cells)
    }
}
