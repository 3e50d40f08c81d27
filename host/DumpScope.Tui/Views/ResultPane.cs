using DumpScope.Host.Rendering;
using DumpScope.Tui.Model;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace DumpScope.Tui.Views;

/// <summary>
/// Shows one <see cref="ResultPage"/>: a single block fills the pane, several blocks become <see cref="Tabs"/>.
/// Enter on a row raises <see cref="TargetRequested"/> with the row's first navigation target.
/// </summary>
internal sealed class ResultPane : View
{
    private readonly List<View> _blockViews = [];
    private readonly List<View> _tabPages = [];
    private Tabs? _tabs;

    /// <summary>Creates an empty pane.</summary>
    public ResultPane()
    {
        CanFocus = true;
        Width = Dim.Fill();
        Height = Dim.Fill();
    }

    /// <summary>The page shown, or null.</summary>
    public ResultPage? Page { get; private set; }

    /// <summary>Enter was pressed on a row that leads somewhere.</summary>
    public event EventHandler<NavigationTarget>? TargetRequested;

    /// <summary>Enter was pressed on a row that leads nowhere.</summary>
    public event EventHandler? NoTarget;

    /// <summary>The cursor moved or the rows changed (for the status line).</summary>
    public event EventHandler? SelectionMoved;

    /// <summary>The index of the block shown.</summary>
    public int SelectedBlock => _tabs?.Value is { } v ? Math.Max(_tabPages.IndexOf(v), 0) : 0;

    /// <summary>The view of the block shown, or null without a page.</summary>
    public View? CurrentBlockView => _blockViews.Count == 0 ? null : _blockViews[Math.Min(SelectedBlock, _blockViews.Count - 1)];

    /// <summary>Shows <paramref name="page"/>, restoring its block, cursors and filter.</summary>
    public void Show(ResultPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        Clear();
        Page = page;
        foreach (var block in page.Blocks)
            _blockViews.Add(CreateBlockView(block));
        if (_blockViews.Count == 1)
        {
            Add(_blockViews[0]);
        }
        else
        {
            _tabs = new Tabs { Width = Dim.Fill(), Height = Dim.Fill() };
            for (var i = 0; i < _blockViews.Count; i++)
            {
                var tab = new View { Title = page.Blocks[i].Title, CanFocus = true };
                tab.Add(_blockViews[i]);
                _tabPages.Add(tab);
                _tabs.Add(tab);
                // Tabs sizes its pages to their content when added; a table page must take the whole area.
                tab.Width = Dim.Fill();
                tab.Height = Dim.Fill();
            }
            Add(_tabs);
            _tabs.Value = _tabPages[Math.Clamp(page.SelectedBlock, 0, _tabPages.Count - 1)];
            _tabs.ValueChanged += (_, _) => SelectionMoved?.Invoke(this, EventArgs.Empty);
        }
        SetNeedsLayout();
        SetNeedsDraw();
    }

    /// <summary>Writes the cursors and the shown block back into the page (before leaving it).</summary>
    public void SaveState()
    {
        if (Page is null)
            return;
        Page.SelectedBlock = SelectedBlock;
        foreach (var view in _blockViews)
        {
            switch (view)
            {
                case BlockTableView t:
                    t.SaveCursor();
                    break;
                case TextBlockView x:
                    x.SaveCursor();
                    break;
            }
        }
    }

    /// <summary>Gives focus to the block shown.</summary>
    public void FocusContent() => CurrentBlockView?.SetFocus();

    /// <summary>Shows the next block (wrapping); false when there is only one.</summary>
    public bool NextBlock()
    {
        if (_tabs is null || _tabPages.Count < 2)
            return false;
        var next = (SelectedBlock + 1) % _tabPages.Count;
        _tabs.Value = _tabPages[next];
        _blockViews[next].SetFocus();
        return true;
    }

    /// <summary>Applies the filter to the page and refreshes the block views.</summary>
    public void ApplyFilter(string filter)
    {
        if (Page is null)
            return;
        Page.SetFilter(filter);
        foreach (var view in _blockViews)
        {
            switch (view)
            {
                case BlockTableView t:
                    t.Refresh();
                    break;
                case TextBlockView x:
                    x.Refresh();
                    break;
            }
        }
        SelectionMoved?.Invoke(this, EventArgs.Empty);
    }

    /// <summary>Sorts the table shown by the cursor's column; the name of the column, or null when the block is not a table.</summary>
    public string? SortByCursorColumn()
    {
        if (CurrentBlockView is not BlockTableView table || table.Model.Columns == 0)
            return null;
        var column = table.CursorColumn;
        table.SortBy(column);
        SelectionMoved?.Invoke(this, EventArgs.Empty);
        return table.Model.ColumnName(column);
    }

    /// <summary>The row under the cursor of the table shown, or null.</summary>
    public RowModel? CurrentRow => (CurrentBlockView as BlockTableView)?.CurrentRow;

    /// <summary>The text under the cursor to copy: the cell's whole text in a table, the line in a text block; null when there is none.</summary>
    public string? CopyText() => CurrentBlockView switch
    {
        BlockTableView { CurrentRow: { } row } t => row.Cells[t.CursorColumn] is { } cell ? CellFormatter.FormatFull(cell) : row.Texts[t.CursorColumn],
        TextBlockView { SelectedItem: { } line } x when line < x.Model.VisibleLines.Count => x.Model.VisibleLines[line],
        _ => null,
    };

    /// <summary>The typed cell under the cursor of the table shown, or null.</summary>
    public Cell? CurrentCell => CurrentBlockView is BlockTableView { CurrentRow: { } row } t ? row.Cells[t.CursorColumn] : null;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            Clear();
        base.Dispose(disposing);
    }

    private View CreateBlockView(BlockModel block)
    {
        switch (block)
        {
            case TableBlockModel model:
                var table = new BlockTableView(model);
                table.Accepting += (_, e) =>
                {
                    e.Handled = true;
                    if (model.IsGroup(table.CursorRow))
                        table.Fold();
                    else if (table.CurrentRow is { Targets.Count: > 0 } row)
                        TargetRequested?.Invoke(this, row.Targets[0]);
                    else
                        NoTarget?.Invoke(this, EventArgs.Empty);
                };
                table.ValueChanged += (_, _) => SelectionMoved?.Invoke(this, EventArgs.Empty);
                table.Sorted += (_, _) => SelectionMoved?.Invoke(this, EventArgs.Empty);
                return table;
            case TextBlockModel text:
                var list = new TextBlockView(text);
                list.Accepting += (_, e) => e.Handled = true;
                return list;
            default:
                throw new ArgumentException($"unknown block model {block.GetType().Name}", nameof(block));
        }
    }

    private void Clear()
    {
        SaveState();
        var old = RemoveAll().ToList();
        foreach (var view in old)
            view.Dispose();
        _blockViews.Clear();
        _tabPages.Clear();
        _tabs = null;
        Page = null;
    }
}
