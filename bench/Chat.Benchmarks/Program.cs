using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Chat.Benchmarks -- --filter '*'   (add --job short for a quick look)
BenchmarkSwitcher.FromAssembly(typeof(Chat.Benchmarks.FanOutTargetBenchmarks).Assembly).Run(args);
