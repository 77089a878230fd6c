namespace Cake.Frosting; internal static class Placeholder { }
