using Build;
using Cake.Frosting;

return new CakeHost()
    .UseContext<BuildContext>()
    .UseLifetime<BuildLifetime>()
    .UseHelpText(Arguments.HelpText)
    .Run(args);
