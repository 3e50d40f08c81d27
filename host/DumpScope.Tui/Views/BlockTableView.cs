using DumpScope.Host.Rendering;
using DumpScope.Tui.Model;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace DumpScope.Tui.Views;

/// <summary>
/// A <see cref="TableView"/> over a <see cref="TableBlockModel"/>: numeric columns right-aligned, a click on a header
/// sorts, Space / + / - open and close a struct's nested members, x switches integers between hex and decimal.
/// </summary>
internal sealed class BlockTableView : TableView
{
    /// <summary>The widest a number column gets: u64's 20 digits.</summary>
    public const int NumberWidth = 20;

    /// <summary>Creates the view and restores the model's remembered cursor.</summary>
    public BlockTableView(TableBlockModel model)
    {
        Model = model;
        Width = Dim.Fill();
        Height = Dim.Fill();
        FullRowSelect = true;
        // The line above the header costs a row a small terminal needs for data.
        Style.ShowHorizontalHeaderOverline = false;
        Table = model;
        for (var col = 0; col < model.Columns; col++)
        {
            if (CellFormatter.RightAligned(model.KindOf(col)) || model.KindOf(col) == CellKind.Address)
                Style.GetOrCreateColumnStyle(col).Alignment = Alignment.End;
            // A number needs at most 20 digits; an absence reason in a number column must not push the names off a
            // small terminal (the status line shows the whole reason when the cursor is on it).
            if (CellFormatter.RightAligned(model.KindOf(col)))
                Style.GetOrCreateColumnStyle(col).MaxWidth = Math.Max(model.ColumnName(col).Length + 2, NumberWidth);
        }
        if (model.HasMarkerColumn)
            Style.GetOrCreateColumnStyle(0).MaxWidth = 1;
        MouseEvent += OnMouse;
        // Column widths come from the rows in view; recompute them once the view has its real size.
        FrameChanged += (_, _) => RefreshContentSize();
        RestoreCursor();
    }

    /// <summary>The model shown.</summary>
    public TableBlockModel Model { get; }

    /// <summary>Raised after the rows were re-sorted by a header click, folded, or switched between hex and decimal.</summary>
    public event EventHandler? Sorted;

    /// <summary>The visible row index of the cursor, or -1 when the table is empty.</summary>
    public int CursorRow => Model.Rows == 0 ? -1 : Math.Clamp(Value?.SelectedCell.Y ?? 0, 0, Model.Rows - 1);

    /// <summary>The column of the cursor.</summary>
    public int CursorColumn => Model.Columns == 0 ? 0 : Math.Clamp(Value?.SelectedCell.X ?? 0, 0, Model.Columns - 1);

    /// <summary>The row under the cursor, or null.</summary>
    public RowModel? CurrentRow => CursorRow < 0 ? null : Model.RowAt(CursorRow);

    /// <summary>Sorts by <paramref name="column"/> (toggling as <see cref="TableBlockModel.SortBy"/> does) keeping the cursor on its row.</summary>
    public void SortBy(int column)
    {
        var row = CurrentRow;
        Model.SortBy(column);
        Reselect(row, column);
    }

    /// <summary>Re-applies the model after its filter changed, keeping the cursor on its row when still visible.</summary>
    public void Refresh()
    {
        Reselect(CurrentRow, CursorColumn);
    }

    /// <summary>Opens or closes the nested struct or array under the cursor (on a member: the one holding it); false when the rows are no tree.</summary>
    public bool Fold()
    {
        if (!Model.IsTree)
            return false;
        var row = Model.Fold(CursorRow);
        Reselect(row >= 0 && row < Model.Rows ? Model.RowAt(row) : null, CursorColumn);
        return true;
    }

    /// <inheritdoc/>
    protected override bool OnKeyDown(Key key)
    {
        if (key == TuiKeys.Fold && Fold())
            return Changed();
        if ((key == TuiKeys.UnfoldAll || key == TuiKeys.FoldAll) && Model.IsTree)
        {
            var row = CurrentRow;
            Model.FoldAll(key == TuiKeys.UnfoldAll);
            Reselect(row, CursorColumn);
            return Changed();
        }
        if (key == TuiKeys.Hex && Model.HasIntegers)
        {
            Model.ShowHex = !Model.ShowHex;
            // Column widths follow the texts: hex ones are wider.
            Update();
            return Changed();
        }
        return base.OnKeyDown(key);
    }

    /// <summary>Stores the cursor into the model (so going back returns to it).</summary>
    public void SaveCursor() => Model.Cursor = new System.Drawing.Point(CursorColumn, Math.Max(CursorRow, 0));

    private void RestoreCursor()
    {
        if (Model.Rows == 0)
            return;
        var c = Model.Cursor;
        SetSelection(Math.Clamp(c.X, 0, Model.Columns - 1), Math.Clamp(c.Y, 0, Model.Rows - 1), false, null);
        EnsureCursorIsVisible();
    }

    private void Reselect(RowModel? row, int column)
    {
        Table = Model;
        var index = row is null ? 0 : Math.Max(Model.IndexOf(row), 0);
        if (Model.Rows > 0)
        {
            SetSelection(Math.Clamp(column, 0, Model.Columns - 1), Math.Min(index, Model.Rows - 1), false, null);
            EnsureValidScrollOffsets();
            EnsureCursorIsVisible();
        }
        Update();
    }

    private bool Changed()
    {
        Sorted?.Invoke(this, EventArgs.Empty);
        return true;
    }

    private void OnMouse(object? sender, Mouse mouse)
    {
        if (!mouse.IsSingleClicked || mouse.Position is not { } position)
            return;
        if (ScreenToCell(position, out var header) is null && header is { } column)
        {
            SortBy(column);
            Sorted?.Invoke(this, EventArgs.Empty);
            mouse.Handled = true;
        }
    }
}
