using DumpScope.Sdk.Commands;
using DumpScope.Tui.Model;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace DumpScope.Tui.Views;

/// <summary>A <see cref="TableView"/> over a <see cref="TableBlockModel"/>: numeric columns right-aligned, a click on a header sorts.</summary>
internal sealed class BlockTableView : TableView
{
    /// <summary>Creates the view and restores the model's remembered cursor.</summary>
    public BlockTableView(TableBlockModel model)
    {
        Model = model;
        Width = Dim.Fill();
        Height = Dim.Fill();
        FullRowSelect = true;
        Table = model;
        for (var col = 0; col < model.Columns; col++)
        {
            if (CellText.IsNumeric(model.KindOf(col)) || model.KindOf(col) == CellKind.Address)
                Style.GetOrCreateColumnStyle(col).Alignment = Alignment.End;
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

    /// <summary>Raised after the rows were re-sorted by a header click.</summary>
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
