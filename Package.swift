// swift-tools-version:6.1
import PackageDescription

// Dependency rule: WinnowCore <- WinnowTUI <- WinnowTerminal <- winnow.
// Only WinnowTerminal (and WinnowCore's image module, through CChafa) import C shims.
let package = Package(
    name: "Winnow",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "winnow", targets: ["winnow"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses", pkgConfig: "ncursesw",
                       providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(name: "CChafa", path: "Sources/CChafa", pkgConfig: "chafa",
                       providers: [.apt(["libchafa-dev"])]),
        .systemLibrary(name: "CGdkPixbuf", path: "Sources/CGdkPixbuf", pkgConfig: "gdk-pixbuf-2.0",
                       providers: [.apt(["libgdk-pixbuf-2.0-dev"])]),
        .systemLibrary(name: "CLibCrypto", path: "Sources/CLibCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .target(name: "WinnowCore", dependencies: [
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            "CChafa", "CGdkPixbuf", "CLibCrypto",
        ]),
        .target(name: "WinnowTUI", dependencies: ["WinnowCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "WinnowTerminal", dependencies: ["WinnowTUI", "WinnowCore", "CNcurses", "CChafa"]),
        .executableTarget(name: "winnow", dependencies: [
            "WinnowCore", "WinnowTUI", "WinnowTerminal",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "WinnowTestSupport", dependencies: [
            "WinnowCore", .product(name: "GRDB", package: "GRDB.swift"),
        ], path: "Tests/WinnowTestSupport"),
        .testTarget(name: "WinnowCoreTests", dependencies: [
            "WinnowCore", "WinnowTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "WinnowTUITests", dependencies: ["WinnowTUI", "WinnowCore", "WinnowTestSupport"]),
        .testTarget(name: "WinnowTerminalTests", dependencies: [
            "WinnowTerminal", "WinnowTUI", "WinnowCore", "WinnowTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "WinnowEndToEndTests", dependencies: [
            "WinnowCore", "WinnowTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
    ]
)
