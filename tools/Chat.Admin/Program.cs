using Chat.Admin;

// export <file> | import <file> [--allow-non-empty]; engines from the services' own configuration keys (README).
return await AdminCommand.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
