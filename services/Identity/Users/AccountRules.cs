using System.Text.RegularExpressions;

namespace Chat.Identity.Users;

/// <summary>What makes a username, display name and password acceptable.</summary>
public static partial class AccountRules
{
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 256;
    public const int MaxDisplayNameLength = 64;

    private static readonly HashSet<string> CommonPasswords = new(StringComparer.OrdinalIgnoreCase)
    {
        "1234567890", "12345678910", "0123456789", "password12", "password123", "password1234", "qwertyuiop",
        "1q2w3e4r5t", "qwerty1234", "qwerty12345", "iloveyou12", "letmein123", "welcome123", "admin12345",
        "abcdefghij", "abc1234567", "1111111111", "0000000000", "passw0rd12", "trustno1234", "football12",
        "baseball12", "sunshine12", "princess12", "dragon1234", "monkey1234", "superman12", "starwars12",
        "changeme12", "p@ssw0rd12", "zaq12wsxcde", "asdfghjkl1", "1qaz2wsx3edc", "qazwsxedcr",
    };

    [GeneratedRegex("^[A-Za-z0-9_.-]{3,32}$")]
    private static partial Regex UsernamePattern();

    public static Dictionary<string, string[]> Validate(string? username, string? password, string? displayName)
    {
        var errors = new Dictionary<string, string[]>();
        if (username is null || !UsernamePattern().IsMatch(username))
        {
            errors["username"] = ["A username is 3 to 32 letters, digits, '_', '.' or '-'."];
        }
        if (CheckPassword(password, username) is { } passwordError)
        {
            errors["password"] = [passwordError];
        }
        if (displayName is not null && CheckDisplayName(displayName) is { } displayNameError)
        {
            errors["displayName"] = [displayNameError];
        }
        return errors;
    }

    /// <summary>Why the password is not acceptable for this username, or null when it is.</summary>
    public static string? CheckPassword(string? password, string? username)
    {
        if (password is null || password.Length < MinPasswordLength)
        {
            return $"A password has at least {MinPasswordLength} characters.";
        }
        if (password.Length > MaxPasswordLength)
        {
            return $"A password has at most {MaxPasswordLength} characters.";
        }
        if (CommonPasswords.Contains(password) || (!string.IsNullOrEmpty(username) && password.Contains(username, StringComparison.OrdinalIgnoreCase)))
        {
            return "That password is too easy to guess.";
        }
        return null;
    }

    /// <summary>Why the display name is not acceptable, or null when it is.</summary>
    public static string? CheckDisplayName(string? displayName)
    {
        if (displayName is null || displayName.Trim().Length == 0 || displayName.Length > MaxDisplayNameLength)
        {
            return $"A display name is 1 to {MaxDisplayNameLength} characters.";
        }
        // A name others see must not reorder or hide its own text, or it can pass for someone else's.
        return InvisibleText.FindFirst(displayName) is { } refused ? InvisibleText.Describe(refused) : null;
    }
}
