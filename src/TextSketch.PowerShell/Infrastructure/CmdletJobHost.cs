using System.Diagnostics;
using System.Management.Automation;
using TextSketch.Core.Decoding;
using TextSketch.Core.Jobs;

namespace TextSketch.Infrastructure;

/// <summary>A Core job's host: ShouldProcess, warnings, verbose notes and step progress go to the cmdlet (the job
/// calls them on the pipeline thread).</summary>
internal sealed class CmdletJobHost : IJobHost
{
    private const int StepActivityId = 0x7E5D;

    private readonly PSCmdlet _cmdlet;
    private readonly Stopwatch _sinceStep = Stopwatch.StartNew();
    private bool _removeAll;
    private bool _keepAll;
    private ProgressRecord? _steps;

    public CmdletJobHost(PSCmdlet cmdlet) => _cmdlet = cmdlet;

    public bool ShouldProcess(string target, string action) => _cmdlet.ShouldProcess(target, action);

    public void Warning(string message) => _cmdlet.WriteWarning(message);

    public void Verbose(string message) => _cmdlet.WriteVerbose(message);

    /// <summary>
    /// Removing a source is a high-impact action, while writing records is not: it is confirmed on its own, as a
    /// ConfirmImpact High action would be (asked unless -Confirm:$false or $ConfirmPreference is None; the job has
    /// already asked ShouldProcess, which honours -WhatIf).
    /// </summary>
    public bool ConfirmRemoval(string source)
    {
        if (_cmdlet.MyInvocation.BoundParameters.ContainsKey("Confirm"))
        {
            // -Confirm: ShouldProcess has just asked; -Confirm:$false: the user asked not to be asked.
            return true;
        }

        var preference = _cmdlet.SessionState.PSVariable.GetValue("ConfirmPreference") is ConfirmImpact impact ? impact : ConfirmImpact.High;
        if (preference == ConfirmImpact.None)
        {
            return true;
        }

        try
        {
            return _cmdlet.ShouldContinue($"Remove '{source}' once its record is written and verified?", "Remove source image", ref _removeAll, ref _keepAll);
        }
        catch (PSInvalidOperationException e)
        {
            // A host that cannot prompt (pwsh -NonInteractive: cron, Task Scheduler): say what the job needs, before
            // anything is written or removed.
            _cmdlet.ThrowTerminatingError(new ErrorRecord(
                new PSInvalidOperationException("-RemoveSource asks before it removes each source, and this session cannot ask " +
                    $"({e.Message.TrimEnd('.')}). Add -Confirm:$false to remove sources without asking, or leave out -RemoveSource.", e),
                "RemoveSourceNotConfirmed", ErrorCategory.InvalidOperation, source));
            return false;
        }
    }

    /// <summary>A nested progress bar for the steps of one image, at most ten updates a second.</summary>
    public void StepProgress(string item, DecodeProgress progress)
    {
        if (progress.Step == 1 || _steps is null)
        {
            _steps = new ProgressRecord(StepActivityId, $"Denoising {Path.GetFileName(item)}", "Starting");
        }

        bool last = progress.Step == progress.TotalSteps;
        if (_sinceStep.ElapsedMilliseconds >= 100 || last)
        {
            _sinceStep.Restart();
            _steps.StatusDescription = $"Step {progress.Step} of {progress.TotalSteps}";
            _steps.PercentComplete = progress.Step * 100 / progress.TotalSteps;
            _steps.SecondsRemaining = (int)Math.Ceiling(progress.Remaining.TotalSeconds);
            _cmdlet.WriteProgress(_steps);
        }

        if (last)
        {
            _cmdlet.WriteProgress(new ProgressRecord(StepActivityId, _steps.Activity, "Done") { RecordType = ProgressRecordType.Completed });
            _steps = null;
        }
    }
}
