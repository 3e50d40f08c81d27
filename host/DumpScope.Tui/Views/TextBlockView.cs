using System.Collections.ObjectModel;
using DumpScope.Tui.Model;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace DumpScope.Tui.Views;

/// <summary>
/// Lines of a <see cref="TextBlockModel"/> in a <see cref="ListView"/> (2.5.0 marks TextView obsolete; a list also
/// gives a line cursor that going back can restore).
/// </summary>
internal sealed class TextBlockView : ListView
{
    /// <summary>Creates the view over the model's visible lines.</summary>
    public TextBlockView(TextBlockModel model)
    {
        Model = model;
        Width = Dim.Fill();
        Height = Dim.Fill();
        Refresh();
        if (model.VisibleLines.Count > 0)
            SelectedItem = Math.Clamp(model.TopLine, 0, model.VisibleLines.Count - 1);
    }

    /// <summary>The model shown.</summary>
    public TextBlockModel Model { get; }

    /// <summary>Shows the model's visible lines again (after its filter changed).</summary>
    public void Refresh()
    {
        SetSource(new ObservableCollection<string>(Model.VisibleLines));
        SetNeedsDraw();
    }

    /// <summary>Stores the line cursor into the model.</summary>
    public void SaveCursor() => Model.TopLine = SelectedItem ?? 0;
}
