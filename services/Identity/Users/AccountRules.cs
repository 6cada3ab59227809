using System.Text;
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

    /// <summary>
    /// The form a username is stored and shown in: NFKC, so compatibility characters (the Kelvin sign U+212A,
    /// full-width letters) become the plain letters they look like before the pattern is checked.
    /// </summary>
    public static string NormalizeUsername(string username)
    {
        try
        {
            return username.Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            // Ill-formed UTF-16 (a lone surrogate) cannot be normalized; it never matches the pattern either.
            return username;
        }
    }

    /// <summary>
    /// The comparison form every user store and the login limiter use: NFKC, lower-cased invariantly (the case fold
    /// of every letter a username may hold), NFKC again. "Kim", "kim" and "\u212Aim" share one key.
    /// </summary>
    public static string UsernameKey(string username) => NormalizeUsername(NormalizeUsername(username).ToLowerInvariant());

    /// <summary>Whether the text could name an account at all (after normalization); anything else is never looked up.</summary>
    public static bool IsPossibleUsername(string? username) => username is not null && UsernamePattern().IsMatch(NormalizeUsername(username));

    public static Dictionary<string, string[]> Validate(string? username, string? password, string? displayName)
    {
        var errors = new Dictionary<string, string[]>();
        if (!IsPossibleUsername(username))
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
