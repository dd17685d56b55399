import Basics
import NeuralNet
import TensorCore
import Datasets
import Charts
#if canImport(Glibc)
import Glibc
#endif

/// `train live=true`: watching the model learn, as the Playground lets one. On a terminal a frame — the epoch,
/// the training and test losses, the decision regions shaded by the output (2-D data), the loss curves — is
/// redrawn in place every few epochs; paced so it can be watched, Ctrl-C stops and keeps the model. When training
/// ends the frames go, and what a script or transcript shows follows: the last frame and the loss curves.
final class LiveView {
    private let s: Interpreter
    private let m: ModelState
    private let train: LabeledData
    /// The data the test loss is measured on: the test set, else the validation set.
    private let test: LabeledData?
    private let testName: String
    /// Epochs between frames (and between test-loss measurements).
    let every: Int
    private let lastEpoch: Int
    /// (epoch, training loss, test loss) at every frame epoch.
    private(set) var losses: [(epoch: Int, train: Double, test: Double?)] = []
    private let onTerminal: Bool
    private var lastFrameTime = 0.0
    /// The shortest time a frame stays, so fast training can still be watched (25 frames a second).
    static let frameInterval = 0.04

    init(_ s: Interpreter, model m: ModelState, train: LabeledData, epochs: Int, every: Int?) {
        self.s = s
        self.m = m
        self.train = train
        if let t = s.test, t.count > 0 { test = t; testName = "test" } else { test = s.validation; testName = "validation" }
        self.every = every ?? max(1, (epochs + 99) / 100)
        lastEpoch = m.history.count + epochs
        onTerminal = s.console.showsLiveViews
    }

    // MARK: during training

    /// After each epoch: the losses at frame epochs, and the frame on a terminal (paced).
    func epochEnded(_ e: EpochStats) {
        guard e.epoch % every == 0 || e.epoch == lastEpoch else { return }
        losses.append((e.epoch, e.loss, testLoss()))
        guard onTerminal else { return }
        let wait = LiveView.frameInterval - (Clock.now - lastFrameTime)
        if wait > 0 { pause(wait) }
        s.console.redraw(frame(e.epoch, liveOptions()))
        lastFrameTime = Clock.now
    }

    /// Sleeps in short slices, waking for Ctrl-C.
    private func pause(_ seconds: Double) {
        var left = seconds
        while left > 0 && !s.shouldStop() {
            let slice = min(left, 0.01)
            usleep(useconds_t(slice * 1_000_000))
            left -= slice
        }
    }

    private func testLoss() -> Double? {
        guard let test, test.count > 0 else { return nil }
        return Evaluator.evaluate(m.network, TrainCommands.samples(test), loss: m.loss).loss
    }

    // MARK: frames

    /// Chart sizes for the terminal's frame: the regions as large as fit, the loss curves beside them when
    /// the terminal is wide enough.
    private func liveOptions() -> ChartOptions {
        var o = s.options
        let rows = ChartOptions.terminalRows() ?? 24
        // The frame must stay shorter than the terminal, or moving the cursor up cannot reach its first line: the
        // status line, the charts' titles, borders, ticks, axis names and legends take 10 lines besides the rows.
        o.height = max(4, min(22, rows - 10))
        // One column spare: a line filling the last column makes some terminals wrap it.
        o.width = max(ChartOptions.minimumWidth, o.width - 1)
        return o
    }

    /// The status line and the charts, for epoch `epoch`.
    func frame(_ epoch: Int, _ options: ChartOptions) -> String {
        var status = "epoch \(epoch)/\(lastEpoch)  training loss \(NumberText.fixed(losses.last?.train ?? .nan, 4))"
        if let t = losses.last?.test { status += "  \(testName) loss \(NumberText.fixed(t, 4))" }
        // A status line wider than the terminal would wrap and throw the redraw off by a line: the hint goes first.
        for hint in ["   (Ctrl-C stops and keeps the model)", "   (Ctrl-C stops)"] where onTerminal && status.count + hint.count <= options.width {
            status += hint
            break
        }
        if status.count > options.width { status = String(status.prefix(options.width)) }
        guard train.featureCount == 2 else {
            return status + "\n" + lossChart().text(options)
        }
        if options.width >= 110 {
            var left = options, right = options
            left.width = options.width * 11 / 20
            right.width = options.width - left.width - 2
            return status + "\n" + Chart.sideBySide(regions(epoch: epoch).text(left), lossChart().text(right), gap: 2)
        }
        return status + "\n" + regions(epoch: epoch).text(options)
    }

    /// The regions of 2-D data shaded by the output, the training points on top (the Playground's default).
    private func regions(epoch: Int) -> Chart {
        PlotCommands.boundaryChart(s, m, train: train, test: [], showTest: false, discretize: false,
                                   title: "'\(m.name)' after epoch \(epoch)")
    }

    private func lossChart() -> Chart {
        Chart.line(lossSeries(), title: "loss (\(m.loss.rawValue))", xLabel: "epoch", yLabel: "loss")
    }

    private func lossSeries() -> [Series] {
        var series = [Series(name: "training loss", x: losses.map { Double($0.epoch) }, y: losses.map(\.train))]
        let tested = losses.compactMap { l in l.test.map { (Double(l.epoch), $0) } }
        if !tested.isEmpty { series.append(Series(name: "\(testName) loss", x: tested.map(\.0), y: tested.map(\.1))) }
        return series
    }

    // MARK: after training

    /// Erases the live frames, then shows what a transcript keeps: the last frame and the loss curves, as one
    /// figure (side by side in SVG, one after the other in text).
    func finish() {
        s.console.endLiveView()
        guard let last = losses.last else { return }
        var status = "after epoch \(last.epoch): training loss \(NumberText.fixed(last.train, 4))"
        if let t = last.test { status += ", \(testName) loss \(NumberText.fixed(t, 4))" }
        s.console.line(status)
        s.show(train.featureCount == 2 ? Chart.panels([regions(epoch: last.epoch), lossChart()]) : lossChart())
    }
}
