using System.Collections.ObjectModel;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace DumpScope.Tui.Views;

/// <summary>
/// A small list drawn over the window to pick one item (navigation targets, profiles). It is a view inside the main
/// window rather than a modal dialog so that it works the same on a real terminal and in headless tests; Enter picks,
/// Esc (handled by the window) closes.
/// </summary>
internal sealed class ChooserView : FrameView
{
    private readonly ListView _list;
    private Action<int>? _chosen;
    private View? _returnFocus;

    /// <summary>Creates a hidden chooser.</summary>
    public ChooserView()
    {
        Visible = false;
        X = Pos.Center();
        Y = Pos.Center();
        Width = 60;
        Height = 8;
        _list = new ListView { Width = Dim.Fill(), Height = Dim.Fill() };
        _list.Accepting += (_, e) =>
        {
            e.Handled = true;
            var index = _list.SelectedItem ?? -1;
            var chosen = _chosen;
            Close();
            if (index >= 0)
                chosen?.Invoke(index);
        };
        Add(_list);
    }

    /// <summary>True while shown.</summary>
    public bool IsOpen => Visible;

    /// <summary>The items shown.</summary>
    public IReadOnlyList<string> Items { get; private set; } = [];

    /// <summary>Shows <paramref name="items"/> with <paramref name="selected"/> highlighted; <paramref name="chosen"/> gets the picked index.</summary>
    public void Open(string title, IReadOnlyList<string> items, int selected, Action<int> chosen)
    {
        ArgumentNullException.ThrowIfNull(items);
        _returnFocus = SuperView?.MostFocused;
        Items = items;
        Title = title;
        _chosen = chosen;
        var widest = items.Count == 0 ? 0 : items.Max(i => i.Length);
        Width = Math.Clamp(Math.Max(widest, title.Length + 4) + 4, 30, 100);
        Height = Math.Clamp(items.Count + 2, 3, 16);
        _list.SetSource(new ObservableCollection<string>(items));
        if (items.Count > 0)
            _list.SelectedItem = Math.Clamp(selected, 0, items.Count - 1);
        Visible = true;
        _list.SetFocus();
        SetNeedsLayout();
        SetNeedsDraw();
    }

    /// <summary>Hides the chooser and gives focus back where it was.</summary>
    public void Close()
    {
        if (!Visible)
            return;
        _chosen = null;
        Visible = false;
        _returnFocus?.SetFocus();
        _returnFocus = null;
        SuperView?.SetNeedsDraw();
    }
}
