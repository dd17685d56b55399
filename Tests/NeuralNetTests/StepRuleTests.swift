import XCTest
import KernelTestSupport
import TensorCore
@testable import NeuralNet

/// The optimizers' step rules and those steps fused into the sparse first layer's gradient product, on every
/// build of the kernels.
final class StepRuleTests: XCTestCase {
    /// The fused product + SGD step gives exactly the weights (and momentum buffers) of the product into a
    /// zeroed gradient followed by `SGDRule.step`, for every form of the rule; its Σ_k W_k is `add` row by row, and
    /// its copies are the updated rows.
    func testFusedStepEqualsProductThenStepBitForBit() { onEveryKernelBuild(fusedStepEqualsProductThenStep) }

    private func fusedStepEqualsProductThenStep(_ build: String) {
        var rng = SeededRandom(seed: 11)
        let rules = [SGDRule(learningRate: 0.1, momentum: 0, weightDecay: 0, nesterov: false),
                     SGDRule(learningRate: 0.05, momentum: 0.9, weightDecay: 0, nesterov: false),
                     SGDRule(learningRate: 0.05, momentum: 0.9, weightDecay: 1e-3, nesterov: true),
                     SGDRule(learningRate: 0.02, momentum: 0.5, weightDecay: 0.01, nesterov: false),
                     SGDRule(learningRate: 0.02, momentum: 0, weightDecay: 0.01, nesterov: false)]
        for n in [1, 5, 16, 70, 128, 130] {
            for rule in rules {
                let count = 23, batch = 9
                let s = SparseColumns(count: count, rows: batch, rng: &rng)
                let g = (0..<(batch * n)).map { _ in Float(rng.normal()) }
                let shift = (0..<n).map { _ in Float(rng.normal()) }
                let w0 = (0..<(count * n)).map { _ in Float(rng.normal()) }
                let v0 = (0..<(count * n)).map { _ in Float(rng.normal()) }
                let pre = (0..<(6 * n)).map { _ in Float(rng.normal()) }
                let preSlots = SparseColumns.precomputedSlots(count)
                // Reference: gradient, then the step.
                var grad = [Float](repeating: 0, count: count * n), wRef = w0, vRef = v0
                s.transposeTimes(n: n, g: g, shift: shift, precomputed: (preSlots, pre), into: &grad)
                wRef.withUnsafeMutableBufferPointer { w in vRef.withUnsafeMutableBufferPointer { v in
                    grad.withUnsafeMutableBufferPointer { gr in
                        rule.step(n: count * n, weights: w.baseAddress!, velocity: v.baseAddress!, gradient: gr.baseAddress!)
                    }
                } }
                XCTAssertEqual(grad, [Float](repeating: 0, count: count * n), "the step clears the gradient")
                // Fused.
                var w = w0, v = v0, sums = [Float](repeating: 7, count: n)
                let slots: [Int32] = (0..<count).map { $0 % 3 == 1 ? Int32($0 / 3) : -1 }
                var copies = [Float](repeating: 0, count: (count / 3 + 1) * n)
                w.withUnsafeMutableBufferPointer { wp in v.withUnsafeMutableBufferPointer { vp in
                    sums.withUnsafeMutableBufferPointer { sp in copies.withUnsafeMutableBufferPointer { cp in
                        slots.withUnsafeBufferPointer { sl in
                            preSlots.withUnsafeBufferPointer { psl in pre.withUnsafeBufferPointer { pr in s.withEntries { entries in
                            FusedStep.sparseColumnsTransposeTimesStep(
                                n: n, count: count, starts: s.starts, entries: entries, g: g, gStride: n,
                                shift: shift,
                                precomputed: Kernels.Precomputed(slots: psl.baseAddress!, rows: pr.baseAddress!, stride: n),
                                rule: .sgd(rule),
                                into: FusedStep.Targets(weights: wp.baseAddress!, velocity: vp.baseAddress!, stride: n,
                                                          sums: sp.baseAddress!, copies: (sl.baseAddress!, cp.baseAddress!)))
                            } } }
                        }
                    } }
                } }
                let label = "\(build) n=\(n) rule=\(rule)"
                XCTAssertEqual(w, wRef, label)
                if rule.momentum != 0 { XCTAssertEqual(v, vRef, label) } else { XCTAssertEqual(v, v0, "no momentum: buffer untouched") }
                var expectedSums = [Float](repeating: 0, count: n)
                wRef.withUnsafeBufferPointer { wp in
                    expectedSums.withUnsafeMutableBufferPointer { e in
                        for k in 0..<count { Kernels.add(n, wp.baseAddress! + k * n, e.baseAddress!) }
                    }
                }
                XCTAssertEqual(sums, expectedSums, label)
                for k in 0..<count where slots[k] >= 0 {
                    XCTAssertEqual(Array(copies[Int(slots[k]) * n..<Int(slots[k] + 1) * n]), Array(wRef[k * n..<(k + 1) * n]), label)
                }
            }
        }
    }

    /// Where a weight's gradient stops (a ReLU unit that died), the textbook rules leave its SGD velocity and Adam
    /// moment subnormal for good (0.9 · m rounds a few multiples of the smallest subnormal back to themselves),
    /// and on Intel CPUs every operation on such a value is a slow microcode assist. The kernels store those
    /// values as +0: over 1,000 steps the weights stay those of the textbook loop bit for bit at every step, the
    /// stuck state is 0, and NaN stays NaN. The scenario must reach the stuck state (checked), or the test proves
    /// nothing.
    func testSubnormalOptimizerStateIsFlushedWithTheSameWeights() { onEveryKernelBuild(subnormalStateIsFlushed) }

    private func subnormalStateIsFlushed(_ build: String) {
        let n = 37, steps = 1000
        let dead = { (i: Int) in i % 3 == 0 }
        var rng = SeededRandom(seed: 29)
        let w0 = (0..<n).map { _ in Float(rng.normal()) * 0.1 }
        let s0 = (0..<n).map { _ in Float(rng.normal()) * 0.01 }
        let gradients = (0..<steps).map { _ in (0..<n).map { i in dead(i) ? Float(0) : Float(rng.normal()) * 0.1 } }

        // Adam (β₁ 0.9, β₂ 0.999, ε 1e-8), the textbook loop beside the kernel.
        var w = w0, m = s0, v = s0.map { $0 * $0 }, tw = w0, tm = s0, tv = v
        m[1] = .nan; tm[1] = .nan
        for t in 1...steps {
            let c1 = 1 - powf(0.9, Float(t)), c2 = 1 - powf(0.999, Float(t))
            let stepSize: Float = 0.001 / c1, invSqrt = 1 / c2.squareRoot()
            var g = gradients[t - 1]
            w.withUnsafeMutableBufferPointer { wp in m.withUnsafeMutableBufferPointer { mp in
                v.withUnsafeMutableBufferPointer { vp in g.withUnsafeMutableBufferPointer { gp in
                    AdamRule(stepSize: stepSize, inverseSqrtCorrection: invSqrt, beta1: 0.9, beta2: 0.999, epsilon: 1e-8,
                             weightDecay: 0)
                        .step(n: n, weights: wp.baseAddress!, moments: (mp.baseAddress!, vp.baseAddress!), gradient: gp.baseAddress!)
                } }
            } }
            for i in 0..<n {
                let gi = gradients[t - 1][i]
                tm[i] = 0.9 * tm[i] + (1 - 0.9) * gi
                tv[i] = 0.999 * tv[i] + (1 - 0.999) * gi * gi
                tw[i] = tw[i] - stepSize * tm[i] / (tv[i].squareRoot() * invSqrt + 1e-8)
                if i != 1 { XCTAssertEqual(w[i].bitPattern, tw[i].bitPattern, "\(build) Adam step \(t) i=\(i)") }
            }
        }
        let stuck = (0..<n).filter { dead($0) && tm[$0].isSubnormal }
        XCTAssertGreaterThan(stuck.count, n / 6, "\(build): the textbook Adam moments of the dead lanes end subnormal")
        for i in 0..<n where dead(i) { XCTAssertEqual(m[i].bitPattern, 0, "\(build) Adam m[\(i)]") }
        XCTAssertFalse((0..<n).contains { m[$0].isSubnormal || v[$0].isSubnormal }, build)
        XCTAssertTrue(m[1].isNaN && w[1].isNaN, "\(build): NaN stays NaN")

        // SGD with momentum 0.9, plain and Nesterov.
        for nesterov in [false, true] {
            var w = w0, vel = s0, tw = w0, tvel = s0
            for t in 0..<steps {
                var g = gradients[t]
                w.withUnsafeMutableBufferPointer { wp in vel.withUnsafeMutableBufferPointer { vp in g.withUnsafeMutableBufferPointer { gp in
                    SGDRule(learningRate: 0.01, momentum: 0.9, weightDecay: 0, nesterov: nesterov).step(
                        n: n, weights: wp.baseAddress!, velocity: vp.baseAddress!, gradient: gp.baseAddress!)
                } } }
                for i in 0..<n {
                    let gi = gradients[t][i]
                    tvel[i] = 0.9 * tvel[i] + gi
                    tw[i] = tw[i] - 0.01 * (nesterov ? gi + 0.9 * tvel[i] : tvel[i])
                    XCTAssertEqual(w[i].bitPattern, tw[i].bitPattern, "\(build) SGD nesterov=\(nesterov) step \(t) i=\(i)")
                }
            }
            XCTAssertGreaterThan((0..<n).filter { dead($0) && tvel[$0].isSubnormal }.count, n / 6, build)
            for i in 0..<n where dead(i) { XCTAssertEqual(vel[i].bitPattern, 0, "\(build) SGD velocity[\(i)]") }
        }
    }

    /// `SGDRule.step` is PyTorch's update, written out per element.
    func testSGDStepFollowsTheFormula() { onEveryKernelBuild(sgdStepFollowsTheFormula) }

    private func sgdStepFollowsTheFormula(_ build: String) {
        let w0: [Float] = (0..<37).map { Float($0) * 0.1 - 1 }, v0: [Float] = (0..<37).map { Float($0 % 5) * 0.2 }
        let g0: [Float] = (0..<37).map { Float($0 % 3) - 1 }
        for (mu, wd, nesterov) in [(Float(0), Float(0), false), (0.9, 0, false), (0.9, 0.01, true), (0, 0.01, false)] {
            let lr: Float = 0.1
            var w = w0, v = v0, g = g0
            w.withUnsafeMutableBufferPointer { wp in v.withUnsafeMutableBufferPointer { vp in g.withUnsafeMutableBufferPointer { gp in
                SGDRule(learningRate: lr, momentum: mu, weightDecay: wd, nesterov: nesterov).step(
                    n: 37, weights: wp.baseAddress!, velocity: vp.baseAddress!, gradient: gp.baseAddress!)
            } } }
            for i in 0..<37 {
                let gi = g0[i] + wd * w0[i]
                let vi = mu * v0[i] + gi
                let expected = mu == 0 ? w0[i] - lr * gi : w0[i] - lr * (nesterov ? gi + mu * vi : vi)
                XCTAssertEqual(w[i], expected, accuracy: 1e-6, "\(build) mu=\(mu) wd=\(wd) nesterov=\(nesterov) i=\(i)")
                XCTAssertEqual(v[i], mu == 0 ? v0[i] : vi, accuracy: 1e-6)
                XCTAssertEqual(g[i], 0)
            }
        }
    }

    /// `AdamRule.step` (16 lanes at a time, vector square roots) gives exactly the weights and moments of the
    /// textbook loop, one value at a time with Float.squareRoot.
    func testAdamStepEqualsTheScalarLoopBitForBit() { onEveryKernelBuild(adamStepEqualsTheScalarLoop) }

    private func adamStepEqualsTheScalarLoop(_ build: String) {
        var rng = SeededRandom(seed: 17)
        for n in [1, 15, 16, 37, 128] {
            for wd: Float in [0, 0.01] {
                let w0 = (0..<n).map { _ in Float(rng.normal()) }
                let m0 = (0..<n).map { _ in Float(rng.normal()) * 0.01 }
                let v0 = (0..<n).map { i in i % 5 == 0 ? 0 : Float(rng.uniform()) * 1e-4 }
                let g0 = (0..<n).map { i in i % 7 == 0 ? 0 : Float(rng.normal()) * 0.1 }
                let (b1, b2, eps): (Float, Float, Float) = (0.9, 0.999, 1e-8)
                let step = 3
                let c1 = 1 - powf(b1, Float(step)), c2 = 1 - powf(b2, Float(step))
                let stepSize: Float = 0.001 / c1, invSqrt = 1 / c2.squareRoot()
                var w = w0, m = m0, v = v0, g = g0
                w.withUnsafeMutableBufferPointer { wp in m.withUnsafeMutableBufferPointer { mp in
                    v.withUnsafeMutableBufferPointer { vp in g.withUnsafeMutableBufferPointer { gp in
                        AdamRule(stepSize: stepSize, inverseSqrtCorrection: invSqrt, beta1: b1, beta2: b2,
                                 epsilon: eps, weightDecay: wd)
                            .step(n: n, weights: wp.baseAddress!, moments: (mp.baseAddress!, vp.baseAddress!),
                                  gradient: gp.baseAddress!)
                    } }
                } }
                for i in 0..<n {
                    let gi = g0[i] + wd * w0[i]
                    let mi = b1 * m0[i] + (1 - b1) * gi
                    let vi = b2 * v0[i] + (1 - b2) * gi * gi
                    let wi = w0[i] - stepSize * mi / (vi.squareRoot() * invSqrt + eps)
                    XCTAssertEqual(w[i].bitPattern, wi.bitPattern, "\(build) n=\(n) wd=\(wd) i=\(i)")
                    XCTAssertEqual(m[i].bitPattern, mi.bitPattern)
                    XCTAssertEqual(v[i].bitPattern, vi.bitPattern)
                    XCTAssertEqual(g[i], 0)
                }
            }
        }
    }


    /// The same for Adam: the fused step gives exactly the weights and moments of the product into a zeroed
    /// gradient followed by `AdamRule.step`.
    func testFusedAdamStepEqualsProductThenStepBitForBit() { onEveryKernelBuild(fusedAdamStepEqualsProductThenStep) }

    private func fusedAdamStepEqualsProductThenStep(_ build: String) {
        var rng = SeededRandom(seed: 13)
        for n in [1, 5, 16, 70, 128, 130] {
            for wd: Float in [0, 0.01] {
                let rule = AdamRule(stepSize: 0.002, inverseSqrtCorrection: 1.7, beta1: 0.9, beta2: 0.999, epsilon: 1e-8,
                                    weightDecay: wd)
                let count = 23, batch = 9
                let s = SparseColumns(count: count, rows: batch, rng: &rng)
                let g = (0..<(batch * n)).map { _ in Float(rng.normal()) }
                let shift = (0..<n).map { _ in Float(rng.normal()) }
                let w0 = (0..<(count * n)).map { _ in Float(rng.normal()) }
                let m0 = (0..<(count * n)).map { _ in Float(rng.normal()) * 0.01 }
                let v0 = (0..<(count * n)).map { _ in Float(rng.uniform()) * 1e-4 }
                let pre = (0..<(6 * n)).map { _ in Float(rng.normal()) }
                let preSlots = SparseColumns.precomputedSlots(count)
                var grad = [Float](repeating: 0, count: count * n), wRef = w0, mRef = m0, vRef = v0
                s.transposeTimes(n: n, g: g, shift: shift, precomputed: (preSlots, pre), into: &grad)
                wRef.withUnsafeMutableBufferPointer { w in mRef.withUnsafeMutableBufferPointer { m in
                    vRef.withUnsafeMutableBufferPointer { v in grad.withUnsafeMutableBufferPointer { gr in
                        rule.step(n: count * n, weights: w.baseAddress!, moments: (m.baseAddress!, v.baseAddress!),
                                  gradient: gr.baseAddress!)
                    } }
                } }
                var w = w0, m = m0, v = v0
                w.withUnsafeMutableBufferPointer { wp in m.withUnsafeMutableBufferPointer { mp in
                    v.withUnsafeMutableBufferPointer { vp in
                        preSlots.withUnsafeBufferPointer { psl in pre.withUnsafeBufferPointer { pr in s.withEntries { entries in
                            FusedStep.sparseColumnsTransposeTimesStep(
                                n: n, count: count, starts: s.starts, entries: entries, g: g, gStride: n, shift: shift,
                                precomputed: Kernels.Precomputed(slots: psl.baseAddress!, rows: pr.baseAddress!, stride: n),
                                rule: .adam(rule),
                                into: FusedStep.Targets(weights: wp.baseAddress!, state: (mp.baseAddress!, vp.baseAddress!),
                                                        stride: n, sums: nil, copies: nil))
                        } } }
                    }
                } }
                let label = "\(build) n=\(n) wd=\(wd)"
                XCTAssertEqual(w.map(\.bitPattern), wRef.map(\.bitPattern), label)
                XCTAssertEqual(m.map(\.bitPattern), mRef.map(\.bitPattern), label)
                XCTAssertEqual(v.map(\.bitPattern), vRef.map(\.bitPattern), label)
            }
        }
    }

    /// Training through the sparse first layer (fused steps, dense block, one thread) ends with the same weights
    /// on every build of the kernels, bit for bit, with SGD and with Adam.
    func testEveryKernelBuildTrainsTheSameWeights() {
        func train(_ optimizer: Optimizer) -> [[UInt32]] {
            var rng = SeededRandom(seed: 31)
            let width = 40
            var features = [Float](repeating: 0, count: 150 * width)
            for i in features.indices where rng.uniform() < (i % width < 20 ? 0.7 : 0.1) { features[i] = Float(Int(rng.uniform(1, 100))) / 100 }
            let data = Samples(matrix: FeatureMatrix(floats: features, width: width).affine(scale: 1, shift: -0.4242),
                               labels: (0..<150).map { Int32($0 % 3) })
            let m = Sequential(name: "m")
            _ = m.append(Linear(inputs: width, outputs: 70, rng: &rng))
            _ = m.append(Activation(.relu))
            _ = m.append(Linear(inputs: 70, outputs: 3, rng: &rng))
            let trainer = Trainer(model: m, loss: .crossEntropy, optimizer: optimizer)
            trainer.helper = nil
            _ = trainer.train(data, validation: nil, config: TrainConfig(epochs: 2, batchSize: 16), rng: &rng, onEpoch: { _ in })
            return (m.snapshot() + m.parameters.flatMap { $0.slots.map(\.array) }).map { $0.map(\.bitPattern) }
        }
        for optimizer in [{ SGD(learningRate: 0.05, momentum: 0.9) as Optimizer }, { Adam(learningRate: 2e-3) }] {
            assertEveryKernelBuildMatchesPortable(optimizer().spec) { train(optimizer()) }
        }
    }
}
