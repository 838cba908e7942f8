// swift-tools-version:5.10
import PackageDescription

let package = Package(
  name: "mend",
  products: [
    .library(name: "MendCore", targets: ["MendCore"]),
    .executable(name: "mend", targets: ["mend"]),
    .executable(name: "mend-eval", targets: ["mend-eval"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
  ],
  targets: [
    // The system libicu (Debian libicu-dev), found through pkg-config.
    .systemLibrary(
      name: "ICUSystem",
      pkgConfig: "icu-i18n",
      providers: [.apt(["libicu-dev", "pkg-config"])]
    ),
    // Thin C wrappers: the public header uses plain C types only, so Swift never sees ICU's
    // headers (which clash with the ICU copy inside Foundation on Linux).
    .target(name: "CICU", dependencies: ["ICUSystem"]),
    // zlib (Debian zlib1g-dev) behind plain C wrappers: gzip corpus input and output.
    .target(name: "CZlib", linkerSettings: [.linkedLibrary("z")]),
    .target(
      name: "MendCore",
      dependencies: ["CICU", .product(name: "Yams", package: "Yams")]
    ),
    .executableTarget(
      name: "mend",
      dependencies: [
        "MendCore", "CZlib",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "mend-eval",
      dependencies: [
        "MendCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(name: "MendCoreTests", dependencies: ["MendCore"]),
    // Runs the built `mend` binary: corpus I/O, worker pool, dedup, pre-commit contract.
    .testTarget(name: "MendCLITests", dependencies: ["mend"]),
  ]
)
